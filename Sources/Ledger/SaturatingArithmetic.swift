extension FixedWidthInteger {
    /// `self + other`, held at the type's largest or smallest value instead of overflowing.
    ///
    /// For sums of counts and durations that come from files someone can edit (saved states,
    /// dates from year 1 to 9999): an overflow would stop the process with a trap, where a
    /// report should still be written.
    public func adding(saturating other: Self) -> Self {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    /// `self * other`, held at the type's largest or smallest value instead of overflowing.
    public func multiplied(saturating other: Self) -> Self {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        guard overflow else { return product }
        return (self < 0) == (other < 0) ? .max : .min
    }
}
