/// One hardware queue (`struct blk_mq_hw_ctx`): its index and the data
/// the driver made for it in `initQueue`.
public final class HardwareQueue<Driver: Operations>: Sendable {
    public let index: Int
    public let data: Driver.QueueData

    init(index: Int, data: Driver.QueueData) {
        self.index = index
        self.data = data
    }
}
