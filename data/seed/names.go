package seed

// Word lists for sample data. Names are common first and last names put
// together at random: they name nobody in particular.

var frFirst = []string{
	"François", "Hélène", "Léa", "Chloé", "Zoé", "Jérôme", "Clément", "Benoît", "Anaïs", "Céline",
	"Noémie", "Gaëlle", "Loïc", "Maëlle", "Joël", "Thérèse", "Stéphane", "Frédéric", "Inès", "Élodie",
	"Amélie", "Aurélien", "Rémi", "Sébastien", "Cédric", "Camille", "Julien", "Manon", "Nicolas", "Pauline",
	"Mathieu", "Lucie", "Antoine", "Margaux", "Guillaume", "Émilie", "Hugo", "Océane", "Théo", "Agnès",
	"Raphaël", "Aurélie", "Jérémy", "Valérie", "Grégoire", "Sylvie", "Baptiste", "Mélanie", "Adèle", "Yannick",
}

var frLast = []string{
	"Dupont", "Durand", "Lefèvre", "Bérenger", "Lemaître", "Mercier", "Gauthier", "Rousseau", "Fournier", "Girard",
	"Bonnet", "Dubois", "Lambert", "Fontaine", "Chevalier", "Robin", "Masson", "Leclerc", "Faure", "André",
	"Perrin", "Morel", "Garnier", "Bézier", "Lécuyer", "Renaud", "Ménard", "Barbier", "Brunet", "Roche",
	"Lemoine", "Noël", "Gérard", "Hébert", "Deschamps", "Boucher", "Aubert", "Rivière", "Lacroix", "Thébault",
	"Dupuis", "Vasseur", "Carré", "Benoît", "Prévost", "Besnard", "Tessier", "Chauvin", "Légaré", "Pelletier",
}

var enFirst = []string{
	"Oliver", "Amelia", "Harry", "Isla", "Jack", "Emily", "George", "Sophie", "Charlie", "Grace",
	"Thomas", "Lily", "Jacob", "Ava", "Alfie", "Freya", "Oscar", "Ella", "William", "Poppy",
	"James", "Evie", "Henry", "Ruby", "Joshua", "Chloe", "Daniel", "Jessica", "Samuel", "Hannah",
}

var enLast = []string{
	"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
	"Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke",
	"Hughes", "Edwards", "Turner", "Harris", "Cooper", "Morgan", "Ward", "Baker", "Harrison", "Fletcher",
}

var frTrades = []string{
	"Boulangerie", "Transports", "Menuiserie", "Atelier", "Société", "Imprimerie", "Cabinet", "Garage", "Fromagerie",
	"Électricité", "Plomberie", "Librairie", "Hôtel", "Clinique vétérinaire", "Bureau d'études", "Pépinières",
	"Maçonnerie", "Laboratoires", "Caves", "Éditions",
}

var frPlaces = []string{
	"du Léman", "des Alpes", "Bretonne", "de la Méditerranée", "du Périgord", "de l'Estérel", "Normande", "du Vercors",
	"des Cévennes", "de Provence", "d'Armor", "du Jura", "de Gascogne", "de la Loire", "Champenoise", "du Béarn",
}

var frLegal = []string{"SARL", "SAS", "SA", "EURL", "SCOP", "SASU"}

var enStems = []string{
	"Northfield", "Riverside", "Oakwood", "Kingsbridge", "Ashford", "Blackmoor", "Harbourside", "Westgate",
	"Thornbury", "Millbrook", "Stonehill", "Greenway", "Redcliffe", "Fairhaven", "Elmstead", "Brightwater",
}

var enTrades = []string{
	"Logistics", "Engineering", "Supplies", "Consulting", "Foods", "Systems", "Builders", "Print", "Dental Care",
	"Hospitality", "Joinery", "Electrical", "Software", "Nurseries",
}

var enLegal = []string{"Ltd", "Ltd", "Ltd", "LLP", "plc"}

type city struct{ name, postcode string }

var frCities = []city{
	{"Lyon", "69002"}, {"Paris", "75011"}, {"Marseille", "13006"}, {"Nantes", "44000"}, {"Bordeaux", "33000"},
	{"Lille", "59800"}, {"Toulouse", "31000"}, {"Annecy", "74000"}, {"Rennes", "35000"}, {"Besançon", "25000"},
	{"Nîmes", "30000"}, {"Orléans", "45000"}, {"Saint-Étienne", "42000"}, {"Périgueux", "24000"}, {"Grenoble", "38000"},
}

var frStreets = []string{
	"rue de la République", "avenue Jean-Jaurès", "boulevard Gambetta", "rue Victor-Hugo", "place de l'Église",
	"chemin des Écoliers", "rue du Général-Leclerc", "allée des Tilleuls", "quai Saint-Antoine", "rue Pasteur",
}

var ukCities = []city{
	{"Leeds", "LS1 4AP"}, {"Manchester", "M1 2JW"}, {"Bristol", "BS1 5TR"}, {"York", "YO1 7HH"}, {"Norwich", "NR2 1SH"},
	{"Bath", "BA1 1LT"}, {"Exeter", "EX1 1GE"}, {"Durham", "DH1 3NJ"}, {"Chester", "CH1 2HN"}, {"Cambridge", "CB2 3QF"},
}

var ukStreets = []string{
	"High Street", "Station Road", "Church Lane", "Victoria Road", "Mill Lane", "Park Avenue", "King Street", "Queensway",
}

var frDeals = []string{
	"Renouvellement du contrat de maintenance", "Devis mobilier de bureau", "Licences annuelles", "Refonte du site web",
	"Équipement de l'atelier", "Formation des équipes", "Audit énergétique", "Commande de fournitures", "Installation réseau",
	"Aménagement des locaux", "Abonnement logiciel", "Prestation de conseil", "Rénovation de la façade", "Parc d'imprimantes",
	"Séminaire annuel", "Étude de faisabilité",
}

var enDeals = []string{
	"Maintenance contract renewal", "Office furniture quote", "Annual licences", "Website redesign", "Workshop equipment",
	"Staff training", "Energy audit", "Stationery order", "Network installation", "Office fit-out", "Software subscription",
	"Consulting engagement", "Printer fleet", "Annual conference", "Feasibility study",
}

var frLost = []string{"Prix trop élevé", "Concurrent retenu", "Projet abandonné", "Pas de budget cette année", "Délai trop long", "Sans réponse du client"}

var enLost = []string{"Price too high", "Went with a competitor", "Project cancelled", "No budget this year", "Lead time too long", "Client stopped answering"}

var frComments = []string{
	"Rappeler après le salon.", "Le client est intéressé par la version pro.", "Devis révisé envoyé, remise de 5 %.",
	"Rendez-vous pris sur site la semaine prochaine.", "Attente de la validation de la direction financière.",
	"Le client demande un délai de livraison plus court.", "Échantillons remis à l'accueil.",
}

var enComments = []string{
	"Call back after the trade fair.", "Client keen on the pro version.", "Sent the revised quote with 5% off.",
	"Site visit booked for next week.", "Waiting for the finance director's sign-off.", "Client asks for a shorter lead time.",
	"Left samples at reception.",
}

var frCalls = []string{"Appel de suivi", "Point téléphonique sur le devis", "Appel de qualification", "Relance téléphonique"}

var enCalls = []string{"Follow-up call", "Call about the quote", "Qualification call", "Chased by phone"}

var frActivities = []string{"Envoyer le devis", "Relancer le client", "Préparer la démonstration", "Rendez-vous de signature", "Faire le point"}

var enActivities = []string{"Send the quote", "Chase the client", "Prepare the demo", "Signing meeting", "Check in"}

type product struct {
	fr, en, unitFr, unitEn string
	price                  int64 // cents
	tax                    int64 // hundredths of a percent
}

var catalog = []product{
	{"Chaise de bureau ergonomique", "Ergonomic office chair", "pièce", "piece", 24900, 2000},
	{"Bureau assis-debout", "Sit-stand desk", "pièce", "piece", 54900, 2000},
	{"Caisson mobile", "Mobile pedestal", "pièce", "piece", 13900, 2000},
	{"Armoire haute à rideaux", "Tall tambour cabinet", "pièce", "piece", 38900, 2000},
	{"Table de réunion 8 places", "Eight-seat meeting table", "pièce", "piece", 119000, 2000},
	{"Lampe de bureau LED", "LED desk lamp", "pièce", "piece", 5990, 2000},
	{"Écran 27 pouces", "27-inch monitor", "pièce", "piece", 32900, 2000},
	{"Ordinateur portable 14 pouces", "14-inch laptop", "pièce", "piece", 129900, 2000},
	{"Station d'accueil USB-C", "USB-C docking station", "pièce", "piece", 18900, 2000},
	{"Casque sans fil", "Wireless headset", "pièce", "piece", 14900, 2000},
	{"Imprimante laser couleur", "Colour laser printer", "pièce", "piece", 45900, 2000},
	{"Toner noir", "Black toner", "pièce", "piece", 8950, 2000},
	{"Ramette papier A4", "A4 paper ream", "carton", "box", 3490, 2000},
	{"Licence logicielle annuelle", "Annual software licence", "licence", "licence", 120000, 2000},
	{"Abonnement cloud mensuel", "Monthly cloud subscription", "mois", "month", 4900, 2000},
	{"Heure de conseil", "Consulting hour", "h", "h", 9500, 2000},
	{"Journée de formation", "Training day", "jour", "day", 85000, 2000},
	{"Maintenance annuelle", "Annual maintenance", "an", "year", 96000, 2000},
	{"Installation sur site", "On-site installation", "forfait", "flat fee", 45000, 2000},
	{"Audit de sécurité", "Security audit", "forfait", "flat fee", 350000, 2000},
	{"Câble réseau Cat 6 (305 m)", "Cat 6 network cable (305 m)", "bobine", "reel", 12900, 2000},
	{"Commutateur 24 ports", "24-port switch", "pièce", "piece", 38900, 2000},
	{"Borne Wi-Fi", "Wi-Fi access point", "pièce", "piece", 21900, 2000},
	{"Onduleur 1500 VA", "1500 VA UPS", "pièce", "piece", 42900, 2000},
	{"Disque SSD 1 To", "1 TB SSD", "pièce", "piece", 8990, 2000},
	{"Peinture acrylique (10 L)", "Acrylic paint (10 L)", "seau", "tub", 8900, 2000},
	{"Parquet chêne", "Oak flooring", "m²", "m²", 5450, 2000},
	{"Pose de cloison", "Partition fitting", "m²", "m²", 6500, 2000},
	{"Détecteur de fumée", "Smoke detector", "pièce", "piece", 2490, 2000},
	{"Extincteur 6 kg", "6 kg fire extinguisher", "pièce", "piece", 8900, 2000},
	{"Livre technique", "Technical handbook", "pièce", "copy", 4500, 550},
	{"Abonnement revue professionnelle", "Trade journal subscription", "an", "year", 12000, 550},
	{"Café en grains 1 kg", "Coffee beans 1 kg", "kg", "kg", 1890, 550},
	{"Thé bio (100 sachets)", "Organic tea (100 bags)", "boîte", "box", 1290, 550},
	{"Eau minérale (pack de 6)", "Mineral water (pack of 6)", "pack", "pack", 390, 550},
	{"Jus de pomme artisanal", "Craft apple juice", "bouteille", "bottle", 450, 550},
	{"Corbeille de fruits", "Fruit basket", "pièce", "piece", 3500, 550},
	{"Plateau de fromages", "Cheese platter", "pièce", "piece", 4800, 550},
	{"Chocolats assortis", "Assorted chocolates", "boîte", "box", 2400, 550},
	{"Biscuits sablés", "Shortbread biscuits", "boîte", "box", 690, 550},
	{"Plateau-repas", "Lunch tray", "pièce", "piece", 1850, 1000},
	{"Buffet traiteur", "Catered buffet", "personne", "person", 3200, 1000},
	{"Nuitée d'hôtel", "Hotel night", "nuit", "night", 11000, 1000},
	{"Location de salle", "Room hire", "jour", "day", 65000, 2000},
	{"Transport de voyageurs", "Passenger transport", "trajet", "trip", 28000, 1000},
	{"Billet de train", "Train ticket", "pièce", "ticket", 8900, 1000},
	{"Dîner de gala", "Gala dinner", "personne", "person", 9500, 1000},
	{"Travaux de rénovation énergétique", "Energy renovation works", "forfait", "flat fee", 1250000, 550},
	{"Travaux d'amélioration", "Home improvement works", "forfait", "flat fee", 480000, 1000},
	{"Plante d'intérieur", "Indoor plant", "pièce", "piece", 3900, 1000},
}
