import BlockModel

extension Request {
    /// The byte range of the request, or EIO when it lies past `capacity`
    /// bytes: the driver checks too, since not every submitter does.
    func byteRange(within capacity: UInt64) throws(BlockError) -> Range<UInt64> {
        let length = UInt64(sectors) << 9
        guard offset <= capacity, length <= capacity - offset else { throw .io }
        return offset..<(offset + length)
    }
}
