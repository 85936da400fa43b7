/* SPDX-License-Identifier: GPL-2.0 */
/* mqgen test fixture: struct blk_mq_ops with the corner cases mqgen must handle. */
#ifndef _FIXTURE_BLK_MQ_H
#define _FIXTURE_BLK_MQ_H
#include <linux/blkdev.h>

struct blk_mq_hw_ctx;
struct blk_mq_queue_data;
struct request;

enum blk_eh_timer_return {
	BLK_EH_DONE,
	BLK_EH_RESET_TIMER,
};

struct io_comp_batch;
struct seq_file;
struct lock_class_key;
struct rq_list;

enum {
	BLK_MQ_F_SHOULD_MERGE	= 1 << 0,
	BLK_MQ_F_BLOCKING	= 1 << 5,
};

struct blk_mq_ops {
	blk_status_t (*queue_rq)(struct blk_mq_hw_ctx *,
				 const struct blk_mq_queue_data *);
	void (*commit_rqs)(struct blk_mq_hw_ctx *);
	void (*queue_rqs)(struct rq_list *rqlist);
	enum blk_eh_timer_return (*timeout)(struct request *);
	int (*poll)(struct blk_mq_hw_ctx *, struct io_comp_batch *);
	void (*complete)(struct request *);
	int (*init_hctx)(struct blk_mq_hw_ctx *, void *, unsigned int);
	void (*exit_hctx)(struct blk_mq_hw_ctx *, unsigned int);
	int (*init_request)(struct blk_mq_tag_set *set, struct request *,
			    unsigned int, unsigned int);
	void (*exit_request)(struct blk_mq_tag_set *set, struct request *,
			     unsigned int);
#ifdef CONFIG_MQGEN_ON
	void (*when_on)(struct request *);
#endif
#ifdef CONFIG_MQGEN_OFF
	void (*when_off)(struct request *);
#else
	void (*unless_off)(struct request *);
#endif
#if IS_ENABLED(CONFIG_MQGEN_ON) && !defined(CONFIG_MQGEN_OFF)
	bool (*busy)(struct request_queue *);
#endif
	void (*map_queues)(struct blk_mq_tag_set *set);
#ifdef CONFIG_BLK_DEBUG_FS
	void (*show_rq)(struct seq_file *m, struct request *rq);
#endif
};

struct blk_mq_tag_set {
	const struct blk_mq_ops *ops;
	unsigned int nr_maps;
	unsigned int nr_hw_queues;
	unsigned int queue_depth;
	unsigned int cmd_size;
	int numa_node;
	unsigned int timeout;
	unsigned int flags;
	void *driver_data;
};

int blk_mq_alloc_tag_set(struct blk_mq_tag_set *set);
void blk_mq_free_tag_set(struct blk_mq_tag_set *set);
struct gendisk *__blk_mq_alloc_disk(struct blk_mq_tag_set *set,
		struct queue_limits *lim, void *queuedata,
		struct lock_class_key *lkclass);
void blk_mq_start_request(struct request *rq);
void blk_mq_end_request(struct request *rq, blk_status_t error);

/* The request's position and size: fields of struct request in the kernel. */
sector_t __fixture_rq_pos(const struct request *rq);
unsigned int __fixture_rq_bytes(const struct request *rq);

static inline sector_t blk_rq_pos(const struct request *rq)
{
	return __fixture_rq_pos(rq);
}

static inline unsigned int blk_rq_bytes(const struct request *rq)
{
	return __fixture_rq_bytes(rq);
}

static inline unsigned int blk_rq_sectors(const struct request *rq)
{
	return blk_rq_bytes(rq) >> 9;
}

static inline enum req_op req_op(const struct request *req)
{
	return REQ_OP_READ;
}

static inline struct request *blk_mq_rq_from_pdu(void *pdu)
{
	return (struct request *)pdu - 1;
}

static inline void *blk_mq_rq_to_pdu(struct request *rq)
{
	return rq + 1;
}

#endif
