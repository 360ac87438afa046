// SPDX-License-Identifier: GPL-2.0
/*
 * In-kernel timing of SCMI commands for the performance work.
 *
 * Commands (after "bench"):
 *   rtt COUNT [OP]                 COUNT sequential round trips of OP
 *   throughput THREADS SECONDS [OP] THREADS callers for SECONDS
 *   async COUNT                    COUNT commands answered by a delayed
 *                                  response (async sensor read, else an
 *                                  asynchronous clock rate set)
 *   notify SECONDS [SENSOR]        count sensor-update notifications for
 *                                  SECONDS (the host drives the rate)
 * OP is one of clock (clock 0 rate get, default), perf (domain 0 level
 * get), power (domain 0 state get), sensor (sensor 0 read), atomic (clock 0
 * state get asking for an atomic transfer, with interrupts off; only when
 * the transport says it is atomic).
 *
 * Every bench writes one "# bench <kind> key=value ..." line with times in
 * nanoseconds measured with ktime_get_ns(), one "# hist <kind> <op>
 * LO:COUNT ..." line (the latency distribution in log buckets, eight per
 * power of two, LO the bucket's lower bound in ns, empty buckets left out)
 * and one ok/not ok line: not ok when any command failed or nothing was
 * measured.
 */

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "vx.h"
#include "vx_expect.h"

#define VX_BENCH_MAX_SAMPLES	2000000
#define VX_BENCH_MAX_THREADS	64

enum vx_op {
	VX_OP_CLOCK, VX_OP_PERF, VX_OP_POWER, VX_OP_SENSOR, VX_OP_ATOMIC
};

static const char * const vx_op_names[] = {
	"clock_rate_get", "perf_level_get", "power_state_get", "sensor_read",
	"clock_state_get_atomic",
};

static int vx_parse_op(const char *s, enum vx_op *op)
{
	if (!s || !strcmp(s, "clock"))
		*op = VX_OP_CLOCK;
	else if (!strcmp(s, "perf"))
		*op = VX_OP_PERF;
	else if (!strcmp(s, "power"))
		*op = VX_OP_POWER;
	else if (!strcmp(s, "sensor"))
		*op = VX_OP_SENSOR;
	else if (!strcmp(s, "atomic"))
		*op = VX_OP_ATOMIC;
	else
		return -EINVAL;
	return 0;
}

/* One command of kind @op; returns its status. */
static int vx_op_call(enum vx_op op)
{
	const struct scmi_sensor_proto_ops *sops;
	const struct scmi_power_proto_ops *wops;
	const struct scmi_perf_proto_ops *pops;
	const struct scmi_clk_proto_ops *cops;
	struct vx_proto *p;
	unsigned long flags;
	bool on;
	u64 v64;
	u32 v32;
	int ret;

	switch (op) {
	case VX_OP_CLOCK:
		p = vx_get(SCMI_PROTOCOL_CLOCK);
		if (!p)
			return -ENODEV;
		cops = p->ops;
		return cops->rate_get(p->ph, 0, &v64);
	case VX_OP_PERF:
		p = vx_get(SCMI_PROTOCOL_PERF);
		if (!p)
			return -ENODEV;
		pops = p->ops;
		return pops->level_get(p->ph, 0, &v32, false);
	case VX_OP_POWER:
		p = vx_get(SCMI_PROTOCOL_POWER);
		if (!p)
			return -ENODEV;
		wops = p->ops;
		return wops->state_get(p->ph, 0, &v32);
	case VX_OP_SENSOR:
		p = vx_get(SCMI_PROTOCOL_SENSOR);
		if (!p)
			return -ENODEV;
		sops = p->ops;
		return sops->reading_get(p->ph, 0, &v64);
	case VX_OP_ATOMIC:
		p = vx_get(SCMI_PROTOCOL_CLOCK);
		if (!p)
			return -ENODEV;
		cops = p->ops;
		local_irq_save(flags);
		ret = cops->state_get(p->ph, 0, &on, true);
		local_irq_restore(flags);
		return ret;
	}
	return -EINVAL;
}

/* An atomic transfer with interrupts off is safe only on an atomic transport */
static bool vx_bench_atomic_ok(void)
{
	unsigned int thr = 0;

	return vx.handle && vx.handle->is_transport_atomic &&
	       vx.handle->is_transport_atomic(vx.handle, &thr);
}

static int vx_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Log bucket of @ns: eight per power of two (ns < 16: exact). */
static unsigned int vx_bucket(u64 ns)
{
	unsigned int e;

	if (ns < 16)
		return ns;
	e = ilog2(ns);
	return e * 8 + ((ns >> (e - 3)) & 7);
}

/* Lower bound in ns of bucket @b. */
static u64 vx_bucket_lo(unsigned int b)
{
	if (b < 16)
		return b;
	return (u64)(8 | (b & 7)) << (b / 8 - 3);
}

/* The "# hist" line of @n sorted samples (as many buckets as fit). */
static void vx_hist(const char *kind, const char *op, const u64 *s, size_t n)
{
	char *line;
	size_t i = 0, j, len;
	unsigned int b;

	line = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!line)
		return;
	len = scnprintf(line, PAGE_SIZE, "# hist %s %s", kind, op);
	while (i < n && len < PAGE_SIZE - 48) {
		b = vx_bucket(s[i]);
		for (j = i; j < n && vx_bucket(s[j]) == b; j++)
			;
		len += scnprintf(line + len, PAGE_SIZE - len, " %llu:%zu",
				 vx_bucket_lo(b), j - i);
		i = j;
	}
	vx_line("%s", line);
	kfree(line);
}

/* Sort @n samples and write the percentile line for @kind. */
static void vx_report(const char *kind, const char *op, u64 *s, size_t n,
		      unsigned long errors, u64 calls, u64 wall_ns,
		      const char *extra)
{
	u64 sum = 0;
	size_t i;

	if (!n) {
		vx_line("# bench %s op=%s n=0 errors=%lu", kind, op, errors);
		vx_fail(vx_n("bench/%s", kind), "no successful command measured");
		return;
	}
	sort(s, n, sizeof(*s), vx_cmp_u64, NULL);
	for (i = 0; i < n; i++)
		sum += s[i];
#define P(q) s[min_t(size_t, n - 1, (n * (q)) / 1000)]
	vx_line("# bench %s op=%s n=%zu errors=%lu min_ns=%llu p50_ns=%llu p90_ns=%llu p99_ns=%llu p999_ns=%llu max_ns=%llu mean_ns=%llu ops_per_s=%llu%s%s",
		kind, op, n, errors, s[0], P(500), P(900), P(990), P(999),
		s[n - 1], sum / n,
		wall_ns ? calls * NSEC_PER_SEC / wall_ns : 0,
		extra ? " " : "", extra ? extra : "");
#undef P
	vx_hist(kind, op, s, n);
	if (errors)
		vx_fail(vx_n("bench/%s", kind), "%lu commands failed", errors);
	else
		vx_pass(vx_n("bench/%s", kind));
}

static int vx_bench_rtt(unsigned int count, enum vx_op op)
{
	unsigned long errors = 0;
	size_t n = 0;
	u64 *s, t0, t1, start;
	unsigned int i;

	s = vmalloc_array(count, sizeof(*s));
	if (!s)
		return -ENOMEM;
	start = ktime_get_ns();
	for (i = 0; i < count; i++) {
		t0 = ktime_get_ns();
		if (vx_op_call(op)) {
			errors++;
			continue;
		}
		t1 = ktime_get_ns();
		s[n++] = t1 - t0;
		if (!(i & 255))
			cond_resched();
	}
	vx_report("rtt", vx_op_names[op], s, n, errors, count,
		  ktime_get_ns() - start, NULL);
	vfree(s);
	return 0;
}

/**
 * struct vx_tp - one throughput thread
 * @task: the kthread
 * @op: command to repeat
 * @deadline: ktime_get_ns() value at which to stop
 * @s: latency samples
 * @cap: room in @s
 * @n: samples taken (calls beyond @cap are counted in @extra)
 * @extra: successful calls not sampled
 * @errors: failed calls
 * @done: signalled when finished
 */
struct vx_tp {
	struct task_struct *task;
	enum vx_op op;
	u64 deadline;
	u64 *s;
	size_t cap;
	size_t n;
	unsigned long extra;
	unsigned long errors;
	struct completion done;
};

static int vx_tp_fn(void *arg)
{
	struct vx_tp *t = arg;
	u64 t0, t1;

	for (;;) {
		t0 = ktime_get_ns();
		if (t0 >= t->deadline)
			break;
		if (vx_op_call(t->op)) {
			t->errors++;
		} else {
			t1 = ktime_get_ns();
			if (t->n < t->cap)
				t->s[t->n++] = t1 - t0;
			else
				t->extra++;
		}
		cond_resched();
	}
	complete(&t->done);
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

static int vx_bench_throughput(unsigned int threads, unsigned int seconds,
			       enum vx_op op)
{
	size_t per = VX_BENCH_MAX_SAMPLES / threads, total = 0, i;
	unsigned long errors = 0, extra = 0;
	struct vx_tp *t;
	u64 *all, start, wall;
	char note[64];
	unsigned int k, nt = 0;

	t = kcalloc(threads, sizeof(*t), GFP_KERNEL);
	all = vmalloc_array(VX_BENCH_MAX_SAMPLES, sizeof(*all));
	if (!t || !all) {
		kfree(t);
		vfree(all);
		return -ENOMEM;
	}
	start = ktime_get_ns();
	for (k = 0; k < threads; k++) {
		t[k].op = op;
		t[k].deadline = start + (u64)seconds * NSEC_PER_SEC;
		t[k].s = all + k * per;
		t[k].cap = per;
		init_completion(&t[k].done);
		t[k].task = kthread_run(vx_tp_fn, &t[k], "vx_tp/%u", k);
		if (IS_ERR(t[k].task))
			break;
		nt++;
	}
	for (k = 0; k < nt; k++) {
		wait_for_completion(&t[k].done);
		kthread_stop(t[k].task);
	}
	wall = ktime_get_ns() - start;
	/* Compact the per-thread sample blocks into one array. */
	for (k = 0; k < nt; k++) {
		for (i = 0; i < t[k].n; i++)
			all[total++] = t[k].s[i];
		errors += t[k].errors;
		extra += t[k].extra;
	}
	snprintf(note, sizeof(note), "threads=%u seconds=%u unsampled=%lu", nt,
		 seconds, extra);
	if (nt != threads)
		vx_fail("bench/throughput_threads", "started %u of %u", nt, threads);
	vx_report("throughput", vx_op_names[op], all, total, errors,
		  total + extra + errors, wall, note);
	vfree(all);
	kfree(t);
	return 0;
}

static int vx_bench_async(unsigned int count)
{
	struct vx_proto *ps = vx_get(SCMI_PROTOCOL_SENSOR);
	struct vx_proto *pc = vx_get(SCMI_PROTOCOL_CLOCK);
	unsigned long errors = 0;
	unsigned int i, sid;
	const char *op;
	size_t n = 0;
	u64 *s, t0, v, start;
	int ret;

	for (sid = 0; ps && sid < vx_exp.nsensors; sid++)
		if (vx_exp.sensors[sid].async)
			break;
	if (ps && sid < vx_exp.nsensors)
		op = "sensor_read_async";
	else if (pc && vx_exp.clock_async)
		op = "clock_rate_set_async";
	else
		return -EOPNOTSUPP;

	s = vmalloc_array(count, sizeof(*s));
	if (!s)
		return -ENOMEM;
	start = ktime_get_ns();
	for (i = 0; i < count; i++) {
		t0 = ktime_get_ns();
		if (op[0] == 's')
			ret = ((const struct scmi_sensor_proto_ops *)ps->ops)->reading_get(ps->ph, sid, &v);
		else
			ret = ((const struct scmi_clk_proto_ops *)pc->ops)->rate_set(pc->ph, 0,
										     vx_exp.clocks[0].rate);
		if (ret) {
			errors++;
			continue;
		}
		s[n++] = ktime_get_ns() - t0;
		cond_resched();
	}
	vx_report("async", op, s, n, errors, count, ktime_get_ns() - start,
		  NULL);
	vfree(s);
	return 0;
}

/**
 * struct vx_nbench - notification counter for "bench notify"
 * @nb: notifier block
 * @lock: protects the sample array
 * @count: notifications received
 * @s: dispatch latency samples (callback time - core receive timestamp)
 * @cap: room in @s
 * @n: samples stored
 * @first: time of the first notification
 * @last: time of the last notification
 */
struct vx_nbench {
	struct notifier_block nb;
	spinlock_t lock;
	atomic_t count;
	u64 *s;
	size_t cap;
	size_t n;
	u64 first;
	u64 last;
};

static int vx_nbench_cb(struct notifier_block *nb, unsigned long evt,
			void *report)
{
	struct vx_nbench *b = container_of(nb, struct vx_nbench, nb);
	const struct scmi_sensor_update_report *r = report;
	u64 now = ktime_get_ns();
	unsigned long flags;

	spin_lock_irqsave(&b->lock, flags);
	if (!b->first)
		b->first = now;
	b->last = now;
	if (b->n < b->cap)
		b->s[b->n++] = now - ktime_to_ns(r->timestamp);
	spin_unlock_irqrestore(&b->lock, flags);
	atomic_inc(&b->count);
	return NOTIFY_OK;
}

static int vx_bench_notify(unsigned int seconds, u32 sensor)
{
	const struct scmi_notify_ops *no = vx.handle->notify_ops;
	struct vx_nbench *b;
	char note[96];
	u64 span;
	u32 src = sensor;
	int ret, c;

	if (!vx_get(SCMI_PROTOCOL_SENSOR) || !no)
		return -EOPNOTSUPP;
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	b->cap = VX_BENCH_MAX_SAMPLES;
	b->s = vmalloc_array(b->cap, sizeof(*b->s));
	if (!b->s) {
		kfree(b);
		return -ENOMEM;
	}
	spin_lock_init(&b->lock);
	b->nb.notifier_call = vx_nbench_cb;
	ret = no->event_notifier_register(vx.handle, SCMI_PROTOCOL_SENSOR,
					  SCMI_EVENT_SENSOR_UPDATE, &src, &b->nb);
	if (ret) {
		vx_fail("bench/notify", "register returned %d", ret);
		goto out;
	}
	vx_line("# bench notify: listening on sensor %u for %u s", sensor,
		seconds);
	msleep_interruptible(seconds * 1000);
	ret = no->event_notifier_unregister(vx.handle, SCMI_PROTOCOL_SENSOR,
					    SCMI_EVENT_SENSOR_UPDATE, &src, &b->nb);
	if (ret) {
		/* Still registered: leak rather than free under the core. */
		vx_fail("bench/notify", "unregister returned %d", ret);
		return 0;
	}
	c = atomic_read(&b->count);
	span = b->last - b->first;
	snprintf(note, sizeof(note), "received=%d span_ms=%llu per_s=%llu", c,
		 span / NSEC_PER_MSEC,
		 span ? (u64)(c - 1) * NSEC_PER_SEC / span : 0);
	/* The samples are dispatch latencies; the rate is in the note. */
	vx_report("notify", "sensor_update_dispatch", b->s, b->n, 0, 0, 0,
		  note);
	ret = 0;
out:
	vfree(b->s);
	kfree(b);
	return ret;
}

/**
 * vx_bench() - run one "bench" command
 * @argc: number of words after "bench"
 * @argv: the words
 *
 * Return: 0, or -EINVAL for a malformed command, -ENOMEM, -EOPNOTSUPP
 * when the platform lacks what the bench needs.
 */
int vx_bench(int argc, char **argv)
{
	unsigned int a = 0, b = 0;
	enum vx_op op;

	if (argc < 2)
		return -EINVAL;
	if (kstrtouint(argv[1], 0, &a) || !a)
		return -EINVAL;
	if (!strcmp(argv[0], "rtt")) {
		if (argc > 3 || a > VX_BENCH_MAX_SAMPLES ||
		    vx_parse_op(argc == 3 ? argv[2] : NULL, &op))
			return -EINVAL;
		if (op == VX_OP_ATOMIC && !vx_bench_atomic_ok()) {
			vx_skip("bench/rtt", "transport is not atomic");
			return 0;
		}
		return vx_bench_rtt(a, op);
	}
	if (!strcmp(argv[0], "throughput")) {
		if (argc < 3 || argc > 4 || kstrtouint(argv[2], 0, &b) || !b ||
		    b > 600 || a > VX_BENCH_MAX_THREADS ||
		    vx_parse_op(argc == 4 ? argv[3] : NULL, &op) ||
		    op == VX_OP_ATOMIC)
			return -EINVAL;
		return vx_bench_throughput(a, b, op);
	}
	if (!strcmp(argv[0], "async")) {
		if (argc != 2 || a > VX_BENCH_MAX_SAMPLES)
			return -EINVAL;
		return vx_bench_async(a);
	}
	if (!strcmp(argv[0], "notify")) {
		if (argc > 3 || a > 600 ||
		    (argc == 3 && kstrtouint(argv[2], 0, &b)))
			return -EINVAL;
		return vx_bench_notify(a, b);
	}
	return -EINVAL;
}
