package data

// SetDriverLimit makes the deal filters read a condition's deals by id up
// to n matches (0: the constant) and returns the function that puts it
// back: tests read both ways on a few deals.
func SetDriverLimit(n int) func() {
	old := driverOverride.Swap(int64(n))
	return func() { driverOverride.Store(old) }
}
