// Package formats is where Comptoir's data meets files: it reads the files
// people bring and writes the files they take away, and leaves every rule
// and every write to data.
//
//   - Contacts and companies from a CSV file (ReadCSV, GuessMapping,
//     Table.Records: encodings and separators as spreadsheets write them,
//     headers in English or French) or from vCards (ReadVCards), into the
//     records data.Store.Import writes.
//   - The product catalog as CSV: ReadCatalogCSV into the rows
//     data.Store.ImportCatalog writes, ExportCatalogCSV from the products
//     the employee may read.
//   - Activities as an iCalendar file (WriteICalendar).
//   - Deals, contacts and companies as JSON or CSV (Export), read from one
//     data.Snapshot as the acting employee sees them. The field names of
//     the export are a contract other tools read (see export.go).
//
// It imports data and is imported by the rooms that hand files over (cli,
// ui); data never imports it. The quotes and invoices (PDF) are data/document's.
package formats
