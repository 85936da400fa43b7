/* SPDX-License-Identifier: GPL-2.0 */
/* mqgen test fixture: the gendisk side of the block layer, trimmed. */
#ifndef _FIXTURE_BLKDEV_H
#define _FIXTURE_BLKDEV_H
#include <linux/blk_types.h>

struct request_queue;
struct block_device;
struct module;
struct pr_ops;
struct device;
struct attribute_group;

typedef unsigned int __bitwise blk_features_t;
#define BLK_FEAT_ROTATIONAL	((__force blk_features_t)(1u << 2))

enum {
	QUEUE_FLAG_DYING,
	QUEUE_FLAG_NOMERGES,
};

struct queue_limits {
	blk_features_t features;
	unsigned int logical_block_size;
	unsigned int physical_block_size;
};

struct gendisk {
	char disk_name[32];
	const struct block_device_operations *fops;
	struct request_queue *queue;
};

struct block_device_operations {
	void (*submit_bio)(struct bio *bio);
	int (*open)(struct gendisk *disk, blk_mode_t mode);
	void (*release)(struct gendisk *disk);
	int (*ioctl)(struct block_device *bdev, blk_mode_t mode, unsigned cmd, unsigned long arg);
	int (*get_unique_id)(struct gendisk *disk, u8 id[16], int id_type);
	struct module *owner;
	const struct pr_ops *pr_ops;
};

void set_capacity(struct gendisk *disk, sector_t size);
void blk_queue_rq_timeout(struct request_queue *q, unsigned int timeout);
int __must_check device_add_disk(struct device *parent, struct gendisk *disk,
				 const struct attribute_group **groups);
void del_gendisk(struct gendisk *gp);
void put_disk(struct gendisk *disk);

#endif
