/// The sizes a split virtqueue can have (virtio 1.x, 2.7): a power of two,
/// at most 32768. A VDUSE device's queue depth is its virtqueue size.
public enum VirtqueueSize {
    public static let maximum = 32768

    public static func isValid(_ size: Int) -> Bool {
        (1...maximum).contains(size) && size.nonzeroBitCount == 1
    }
}
