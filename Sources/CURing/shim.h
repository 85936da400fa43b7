/* liburing and the ublk protocol for Swift. _GNU_SOURCE first: without it
 * liburing's headers and Swift's Glibc module disagree on fd_set. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* The kernel's uapi io_uring.h first: swift-system's CSystem includes it,
 * and liburing's own copy (same include guard, LINUX_IO_URING_H, but
 * rw_flags typed differently) would define a second struct io_uring_sqe,
 * which clang refuses to merge. The uapi header is the newer superset. */
#include <linux/io_uring.h>
#include <liburing.h>
#include <linux/ublk_cmd.h>
#include <sys/ioctl.h>
#include <string.h>

/* Debian 12's uapi headers are 6.1's, which predate these (the values are
 * part of the ublk ABI). */
#ifndef UBLK_F_CMD_IOCTL_ENCODE
#define UBLK_F_CMD_IOCTL_ENCODE (1ULL << 6)
#endif
#ifndef UBLK_F_USER_COPY
#define UBLK_F_USER_COPY (1ULL << 7)
#endif

/* UBLK_IO_RES_ABORT is (-ENODEV), which Swift does not import as a macro. */
#include <errno.h>
static const __s32 MQGEN_UBLK_IO_RES_ABORT = UBLK_IO_RES_ABORT;

/* The ioctl encodings of the control and I/O commands, which the driver
 * takes when UBLK_F_CMD_IOCTL_ENCODE is set. */
static inline __u32 mqgen_ublk_ctrl_op(__u32 nr)
{
	return _IOWR('u', nr, struct ublksrv_ctrl_cmd);
}

static inline __u32 mqgen_ublk_io_op(__u32 nr)
{
	return _IOWR('u', nr, struct ublksrv_io_cmd);
}

/* An IORING_OP_URING_CMD carrying `len` bytes of command in sqe->cmd
 * (16 bytes in a normal SQE, 80 with IORING_SETUP_SQE128). */
static inline void mqgen_prep_uring_cmd(struct io_uring_sqe *sqe, int fd, __u32 cmd_op,
					const void *cmd, size_t len, __u64 user_data)
{
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->cmd_op = cmd_op;
	memcpy(sqe->cmd, cmd, len);
	sqe->user_data = user_data;
}

#include <sys/eventfd.h>

#ifndef UBLK_MAX_QUEUE_DEPTH
#define UBLK_MAX_QUEUE_DEPTH 4096
#endif
