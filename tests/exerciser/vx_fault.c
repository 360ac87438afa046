// SPDX-License-Identifier: GPL-2.0
/*
 * Commands for the fault-injection suite (tests/suites/faults.sh): plain
 * calls whose every return code is reported, so the guest script can
 * assert what a caller sees while the platform misbehaves.
 *
 *   call OP COUNT [ID]
 *	COUNT sequential calls of OP on resource ID (default 0): clock (rate
 *	get), perf (level get), power (state get), sensor (reading get: a
 *	delayed response for sensors with asynchronous reads), reset (an
 *	autonomous reset: a delayed response for asynchronous domains).  Writes
 *	"# call op=OP id=ID n=COUNT ok=N rc=RC:N,... value=V max_ms=M",
 *	value being the last successful call's result, rc every distinct
 *	non-zero return code with its count.
 *   flood SECONDS SENSOR OP [ID]
 *	register for SENSOR's update notifications, repeat OP on ID for
 *	SECONDS while the host floods them, unregister; writes
 *	"# flood notifs=N span_ms=S per_s=R calls=C ok=K rc=..."
 *
 * Each writes one "ok call" / "ok flood" line: the command ran; the
 * outcome is judged by the guest script from the "#" line.
 */

#include <linux/atomic.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/notifier.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "vx.h"

#define VX_FAULT_RCS	8

/**
 * struct vx_calls - outcome of a series of calls
 * @n: calls made
 * @ok: calls that returned 0
 * @rc: distinct non-zero return codes
 * @rc_n: how often each of @rc was seen
 * @nrc: entries used in @rc
 * @value: result of the last successful call
 * @max_ns: longest call
 */
struct vx_calls {
	unsigned int n;
	unsigned int ok;
	int rc[VX_FAULT_RCS];
	unsigned int rc_n[VX_FAULT_RCS];
	unsigned int nrc;
	u64 value;
	u64 max_ns;
};

/* One call of @op on @id; returns its status and stores its result. */
static int vx_fault_call(const char *op, u32 id, u64 *value)
{
	struct vx_proto *p;
	u32 v32 = 0;
	int ret;

	if (!strcmp(op, "clock")) {
		p = vx_get(SCMI_PROTOCOL_CLOCK);
		if (!p)
			return -ENODEV;
		return ((const struct scmi_clk_proto_ops *)p->ops)->rate_get(p->ph, id, value);
	}
	if (!strcmp(op, "sensor")) {
		p = vx_get(SCMI_PROTOCOL_SENSOR);
		if (!p)
			return -ENODEV;
		return ((const struct scmi_sensor_proto_ops *)p->ops)->reading_get(p->ph, id, value);
	}
	if (!strcmp(op, "perf")) {
		p = vx_get(SCMI_PROTOCOL_PERF);
		if (!p)
			return -ENODEV;
		ret = ((const struct scmi_perf_proto_ops *)p->ops)->level_get(p->ph, id, &v32, false);
	} else if (!strcmp(op, "power")) {
		p = vx_get(SCMI_PROTOCOL_POWER);
		if (!p)
			return -ENODEV;
		ret = ((const struct scmi_power_proto_ops *)p->ops)->state_get(p->ph, id, &v32);
	} else if (!strcmp(op, "reset")) {
		p = vx_get(SCMI_PROTOCOL_RESET);
		if (!p)
			return -ENODEV;
		ret = ((const struct scmi_reset_proto_ops *)p->ops)->reset(p->ph, id);
	} else {
		return -EINVAL;
	}
	*value = v32;
	return ret;
}

static bool vx_fault_op_known(const char *op)
{
	return !strcmp(op, "clock") || !strcmp(op, "sensor") ||
	       !strcmp(op, "perf") || !strcmp(op, "power") ||
	       !strcmp(op, "reset");
}

static void vx_calls_one(struct vx_calls *c, const char *op, u32 id)
{
	u64 v = 0, t0 = ktime_get_ns(), dt;
	unsigned int i;
	int ret;

	ret = vx_fault_call(op, id, &v);
	dt = ktime_get_ns() - t0;
	c->n++;
	if (dt > c->max_ns)
		c->max_ns = dt;
	if (!ret) {
		c->ok++;
		c->value = v;
		return;
	}
	for (i = 0; i < c->nrc && c->rc[i] != ret; i++)
		;
	if (i == c->nrc && c->nrc < VX_FAULT_RCS)
		c->rc[c->nrc++] = ret;
	if (i < c->nrc)
		c->rc_n[i]++;
}

/* "rc=-110:2,-70:1" (or "rc=none") into @buf */
static void vx_calls_rc(const struct vx_calls *c, char *buf, size_t sz)
{
	unsigned int i;
	int n;

	n = scnprintf(buf, sz, "rc=%s", c->nrc ? "" : "none");
	for (i = 0; i < c->nrc; i++)
		n += scnprintf(buf + n, sz - n, "%s%d:%u", i ? "," : "",
			       c->rc[i], c->rc_n[i]);
}

static int vx_fault_calls(const char *op, unsigned int count, u32 id)
{
	struct vx_calls c = {};
	char rc[128];
	unsigned int i;

	for (i = 0; i < count; i++) {
		vx_calls_one(&c, op, id);
		cond_resched();
	}
	vx_calls_rc(&c, rc, sizeof(rc));
	vx_line("# call op=%s id=%u n=%u ok=%u %s value=%llu max_ms=%llu", op,
		id, c.n, c.ok, rc, c.value, c.max_ns / NSEC_PER_MSEC);
	vx_pass("call");
	return 0;
}

/**
 * struct vx_flood - sensor update notifications counted during a flood
 * @nb: notifier block
 * @count: notifications received
 * @first: time of the first one (ns)
 * @last: time of the last one (ns)
 */
struct vx_flood {
	struct notifier_block nb;
	atomic_t count;
	atomic64_t first;
	atomic64_t last;
};

static int vx_flood_cb(struct notifier_block *nb, unsigned long evt,
		       void *report)
{
	struct vx_flood *f = container_of(nb, struct vx_flood, nb);
	s64 now = ktime_get_ns(), zero = 0;

	atomic64_try_cmpxchg(&f->first, &zero, now);
	atomic64_set(&f->last, now);
	atomic_inc(&f->count);
	return NOTIFY_OK;
}

static int vx_fault_flood(unsigned int seconds, u32 sensor, const char *op,
			  u32 id)
{
	const struct scmi_notify_ops *no = vx.handle->notify_ops;
	unsigned long end;
	struct vx_calls c = {};
	struct vx_flood *f;
	u32 src = sensor;
	char rc[128];
	s64 span;
	int ret, n;

	if (!vx_get(SCMI_PROTOCOL_SENSOR) || !no)
		return -EOPNOTSUPP;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	f->nb.notifier_call = vx_flood_cb;
	ret = no->event_notifier_register(vx.handle, SCMI_PROTOCOL_SENSOR,
					  SCMI_EVENT_SENSOR_UPDATE, &src, &f->nb);
	if (ret) {
		vx_fail("flood", "register returned %d", ret);
		kfree(f);
		return 0;
	}
	end = jiffies + msecs_to_jiffies(seconds * 1000);
	while (time_before(jiffies, end)) {
		vx_calls_one(&c, op, id);
		cond_resched();
	}
	ret = no->event_notifier_unregister(vx.handle, SCMI_PROTOCOL_SENSOR,
					    SCMI_EVENT_SENSOR_UPDATE, &src, &f->nb);
	if (ret) {
		/* Still registered: leak rather than free under the core. */
		vx_fail("flood", "unregister returned %d", ret);
		return 0;
	}
	n = atomic_read(&f->count);
	span = atomic64_read(&f->last) - atomic64_read(&f->first);
	vx_calls_rc(&c, rc, sizeof(rc));
	vx_line("# flood notifs=%d span_ms=%lld per_s=%lld calls=%u ok=%u %s max_ms=%llu",
		n, span / NSEC_PER_MSEC,
		span > 0 ? (s64)(n - 1) * NSEC_PER_SEC / span : 0, c.n, c.ok,
		rc, c.max_ns / NSEC_PER_MSEC);
	vx_pass("flood");
	kfree(f);
	return 0;
}

/**
 * vx_fault_cmd() - run a "call" or "flood" command
 * @argc: number of words, the command name included
 * @argv: the words
 *
 * Return: 0, -EINVAL for a malformed command, -ENOMEM, -EOPNOTSUPP.
 */
int vx_fault_cmd(int argc, char **argv)
{
	unsigned int a, b = 0, id = 0;

	if (!strcmp(argv[0], "call")) {
		if (argc < 3 || argc > 4 || !vx_fault_op_known(argv[1]) ||
		    kstrtouint(argv[2], 0, &a) || !a || a > 1000000 ||
		    (argc == 4 && kstrtouint(argv[3], 0, &id)))
			return -EINVAL;
		return vx_fault_calls(argv[1], a, id);
	}
	if (!strcmp(argv[0], "flood")) {
		if (argc < 4 || argc > 5 || kstrtouint(argv[1], 0, &a) ||
		    !a || a > 600 || kstrtouint(argv[2], 0, &b) ||
		    !vx_fault_op_known(argv[3]) ||
		    (argc == 5 && kstrtouint(argv[4], 0, &id)))
			return -EINVAL;
		return vx_fault_flood(a, b, argv[3], id);
	}
	return -EINVAL;
}
