// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_scmi: statistics in debugfs, always on.
 *
 *   /sys/kernel/debug/virtio_scmi/<device>/stats    counters, "name value"
 *   /sys/kernel/debug/virtio_scmi/<device>/latency  command round trips:
 *	count/sum/max/mean in ns, then one line per non-empty log2 bucket
 *	"[lo, hi) ns: n"
 *   /sys/kernel/debug/virtio_scmi/<device>/inject_evt_post_errors
 *	test hook: that many next eventq posts fail (as a full ring or a
 *	failed DMA mapping would), to exercise the refill work
 *   /sys/kernel/debug/virtio_scmi/<device>/inject_restore_delay_ms
 *	test hook: the next restore waits that long before DRIVER_OK, with
 *	the channels on their new queues (commands must still be refused)
 *   /sys/kernel/debug/virtio_scmi/<device>/inject_slow_handbacks
 *	test hook: that many next deliveries of a reply hold its buffer a
 *	little after waking the caller, as a delivery preempted there would
 *
 * Counters are atomics updated without any lock on the message path.
 */

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/seq_file.h>

#include "vscmi.h"

/* the tracepoints of src/vscmi_trace.h are instantiated here */
#define CREATE_TRACE_POINTS
#include "vscmi_trace.h"

static struct dentry *vscmi_debugfs_root;

static const char * const vscmi_invalid_names[VSCMI_INV_NR] = {
	[VSCMI_INV_SHORT] = "invalid_short",
	[VSCMI_INV_LONG] = "invalid_long",
	[VSCMI_INV_TOKEN] = "invalid_header",
	[VSCMI_INV_TYPE] = "invalid_type",
	[VSCMI_INV_BUFFER] = "invalid_buffer",
	[VSCMI_INV_UNEXPECTED] = "invalid_unexpected",
};

static void vscmi_show(struct seq_file *s, const char *name, atomic64_t *v)
{
	seq_printf(s, "%-20s %lld\n", name, atomic64_read(v));
}

static int vscmi_stats_show(struct seq_file *s, void *unused)
{
	struct vscmi_stats *st = s->private;
	int i;

	vscmi_show(s, "cmds", &st->cmds);
	vscmi_show(s, "resps", &st->resps);
	vscmi_show(s, "notifs", &st->notifs);
	vscmi_show(s, "dresps", &st->dresps);
	vscmi_show(s, "timeouts", &st->timeouts);
	vscmi_show(s, "released_early", &st->released_early);
	vscmi_show(s, "late", &st->late);
	vscmi_show(s, "aborted", &st->aborted);
	for (i = 0; i < VSCMI_INV_NR; i++)
		vscmi_show(s, vscmi_invalid_names[i], &st->invalid[i]);
	vscmi_show(s, "no_chan", &st->no_chan);
	vscmi_show(s, "send_errors", &st->send_errors);
	vscmi_show(s, "handback_waits", &st->handback_waits);
	vscmi_show(s, "evt_refills", &st->evt_refills);
	vscmi_show(s, "evt_refill_errors", &st->evt_refill_errors);
	vscmi_show(s, "evt_refill_retries", &st->evt_refill_retries);
	vscmi_show(s, "sleep_polled", &st->sleep_polled);
	vscmi_show(s, "sleep_poll_timeouts", &st->sleep_poll_timeouts);
	seq_printf(s, "%-20s %d\n", "inflight", atomic_read(&st->inflight));
	seq_printf(s, "%-20s %d\n", "inflight_peak",
		   atomic_read(&st->inflight_peak));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vscmi_stats);

static int vscmi_latency_show(struct seq_file *s, void *unused)
{
	struct vscmi_stats *st = s->private;
	u64 count = atomic64_read(&st->lat_count);
	u64 sum = atomic64_read(&st->lat_sum_ns);
	int i;

	seq_printf(s, "count %llu\nsum_ns %llu\nmax_ns %lld\nmean_ns %llu\n",
		   count, sum, atomic64_read(&st->lat_max_ns),
		   count ? div64_u64(sum, count) : 0);
	for (i = 0; i < VSCMI_LAT_BUCKETS; i++) {
		s64 n = atomic64_read(&st->lat[i]);

		if (n)
			seq_printf(s, "[%llu, %llu) ns: %lld\n", 1ULL << i,
				   2ULL << i, n);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vscmi_latency);

/**
 * vscmi_stats_latency() - account one command round trip
 * @st: statistics
 * @ns: round-trip time in nanoseconds
 */
void vscmi_stats_latency(struct vscmi_stats *st, u64 ns)
{
	int b = ns ? ilog2(ns) : 0;
	s64 max = atomic64_read(&st->lat_max_ns);

	if (b >= VSCMI_LAT_BUCKETS)
		b = VSCMI_LAT_BUCKETS - 1;
	atomic64_inc(&st->lat[b]);
	atomic64_inc(&st->lat_count);
	atomic64_add(ns, &st->lat_sum_ns);
	while ((s64)ns > max &&
	       !atomic64_try_cmpxchg(&st->lat_max_ns, &max, ns))
		;
}

/**
 * vscmi_stats_init() - create a device's debugfs files
 * @st: statistics, zeroed
 * @name: directory name (the virtio device's name)
 *
 * Failure to create debugfs entries is not an error.
 */
void vscmi_stats_init(struct vscmi_stats *st, const char *name)
{
	st->dir = debugfs_create_dir(name, vscmi_debugfs_root);
	debugfs_create_file("stats", 0444, st->dir, st, &vscmi_stats_fops);
	debugfs_create_file("latency", 0444, st->dir, st,
			    &vscmi_latency_fops);
	debugfs_create_atomic_t("inject_evt_post_errors", 0600, st->dir,
				&st->inject_post_errors);
	debugfs_create_atomic_t("inject_restore_delay_ms", 0600, st->dir,
				&st->inject_restore_delay_ms);
	debugfs_create_atomic_t("inject_slow_handbacks", 0600, st->dir,
				&st->inject_slow_handbacks);
}

/**
 * vscmi_stats_exit() - remove a device's debugfs files
 * @st: statistics
 */
void vscmi_stats_exit(struct vscmi_stats *st)
{
	debugfs_remove(st->dir);
	st->dir = NULL;
}

/**
 * vscmi_debugfs_init() - create /sys/kernel/debug/virtio_scmi
 */
void vscmi_debugfs_init(void)
{
	vscmi_debugfs_root = debugfs_create_dir(VSCMI_DRV_NAME, NULL);
}

/**
 * vscmi_debugfs_exit() - remove /sys/kernel/debug/virtio_scmi
 */
void vscmi_debugfs_exit(void)
{
	debugfs_remove(vscmi_debugfs_root);
	vscmi_debugfs_root = NULL;
}
