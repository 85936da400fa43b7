/* The VDUSE, vDPA netlink and virtio-blk uapi for Swift. Debian 12's
 * linux-libc-dev (6.1) has every structure used here, unchanged in 6.12.
 * _GNU_SOURCE first, as in CURing: every module must see one Glibc. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <linux/vduse.h>
#include <linux/vdpa.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_ring.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>
#include <sys/ioctl.h>
#include <sys/eventfd.h>
#include <stddef.h>

/* VIRTIO_F_ACCESS_PLATFORM is 6.1's name; older headers call it IOMMU_PLATFORM. */
#ifndef VIRTIO_F_ACCESS_PLATFORM
#define VIRTIO_F_ACCESS_PLATFORM 33
#endif

/* The ioctl numbers: _IOW and friends are function-like macros, which
 * Swift does not import. */
static inline unsigned long mqgen_vduse_set_api_version(void) { return VDUSE_SET_API_VERSION; }
static inline unsigned long mqgen_vduse_create_dev(void) { return VDUSE_CREATE_DEV; }
static inline unsigned long mqgen_vduse_destroy_dev(void) { return VDUSE_DESTROY_DEV; }
static inline unsigned long mqgen_vduse_iotlb_get_fd(void) { return VDUSE_IOTLB_GET_FD; }
static inline unsigned long mqgen_vduse_dev_get_features(void) { return VDUSE_DEV_GET_FEATURES; }
static inline unsigned long mqgen_vduse_vq_setup(void) { return VDUSE_VQ_SETUP; }
static inline unsigned long mqgen_vduse_vq_get_info(void) { return VDUSE_VQ_GET_INFO; }
static inline unsigned long mqgen_vduse_vq_setup_kickfd(void) { return VDUSE_VQ_SETUP_KICKFD; }
static inline unsigned long mqgen_vduse_vq_inject_irq(void) { return VDUSE_VQ_INJECT_IRQ; }

/* Offsets Swift cannot take of a struct with a flexible array member or a union. */
static inline unsigned long mqgen_offsetof_dev_config_config(void) { return offsetof(struct vduse_dev_config, config); }
static inline unsigned long mqgen_offsetof_dev_request_payload(void) { return offsetof(struct vduse_dev_request, vq_state); }

/* The ioctl call itself: variadic in C, so Swift cannot call it. */
static inline int mqgen_vduse_ioctl(int fd, unsigned long request, void *argument)
{
	return ioctl(fd, request, argument);
}

/* Ordered access to the rings the kernel shares with us: the index loads
 * and stores pair with the virtio driver's barriers (virtio_ring.c). */
static inline __u16 mqgen_load_acquire_u16(const __u16 *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void mqgen_store_release_u16(__u16 *p, __u16 v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
static inline void mqgen_full_fence(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
