import Synchronization

extension Atomic where Value == Int {
    /// `AtomicUsize::fetch_update`: applies `update` to the current value
    /// until the exchange succeeds or `update` declines (returns nil).
    /// Returns whether it succeeded and the value it last saw before.
    @inline(__always)
    @discardableResult
    func fetchUpdate(_ update: (Int) -> Int?) -> (updated: Bool, previous: Int) {
        var current = load(ordering: .relaxed)
        while let next = update(current) {
            let (exchanged, original) = compareExchange(expected: current, desired: next, ordering: .acquiringAndReleasing)
            if exchanged { return (true, current) }
            current = original
        }
        return (false, current)
    }
}
