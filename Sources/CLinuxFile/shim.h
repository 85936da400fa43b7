/* fallocate(2) and its modes, and eventfd(2). glibc declares fallocate only under
 * _GNU_SOURCE, which Swift's Glibc module is built without. */
#include <linux/falloc.h>
#include <sys/types.h>

int fallocate(int fd, int mode, off_t offset, off_t len);

/* eventfd(2): the file driver's completion event. */
#include <sys/eventfd.h>
