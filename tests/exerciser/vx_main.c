// SPDX-License-Identifier: GPL-2.0
/*
 * vscmi_exerciser - drive every SCMI protocol through the public driver API.
 *
 * Debugfs interface (/sys/kernel/debug/vscmi_exerciser/):
 *   run      write a command: all, base, power, perf, clock, sensor, reset,
 *            voltage, powercap, system, async, notify, atomic, state
 *            (current power/clock states as "# state ..." lines),
 *            "concurrent N_PER_CPU", "bench ..." (see vx_bench.c),
 *            "call ...", "flood ..." (see vx_fault.c)
 *   results  the last command's result lines: "ok <name>",
 *            "not ok <name>: <reason>", "ok <name> # SKIP <reason>",
 *            "# <comment>", and a closing "# done: N ok, N not ok, N skip"
 *   info     which protocols are bound, base identity, transport atomicity
 *   expect   the expected default resource set, one resource a line
 *            ("clock ID NAME RATE", "power ID NAME on|off",
 *            "perf ID NAME LEVEL",
 *            "sensor ID NAME", "reset ID NAME", "voltage ID NAME UV",
 *            "powercap ID NAME CAP", "vendor NAME", "sub_vendor NAME"), so
 *            guest scripts check sysfs/debugfs against the same table
 *
 * A write to "run" returns only when the command has finished.  It fails
 * with -ENODEV if the SCMI core has not created our devices (no transport
 * bound), -EINVAL for an unknown command.
 */

#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "vx.h"
#include "vx_expect.h"

#define VX_BUF_SIZE	(256 * 1024)
#define VX_CMD_MAX	256
#define VX_ARGS_MAX	8

struct vx_state vx = {
	.lock = __MUTEX_INITIALIZER(vx.lock),
};

static struct dentry *vx_dir;

/**
 * vx_line() - append one formatted line to the results
 * @fmt: printf format, without the trailing newline
 *
 * Called with vx.lock held (all commands run under it).
 */
void vx_line(const char *fmt, ...)
{
	va_list ap;
	size_t room;
	int n;

	if (!vx.buf || vx.truncated)
		return;
	room = vx.cap - vx.len;
	va_start(ap, fmt);
	n = vsnprintf(vx.buf + vx.len, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n + 2 > room) {
		vx.truncated = true;
		return;
	}
	vx.len += n;
	vx.buf[vx.len++] = '\n';
	vx.buf[vx.len] = '\0';
}

/**
 * vx_pass() - record a passed check
 * @name: check name, "<protocol>/<what>"
 */
void vx_pass(const char *name)
{
	vx.n_ok++;
	vx_line("ok %s", name);
}

/**
 * vx_fail() - record a failed check
 * @name: check name
 * @fmt: reason
 */
void vx_fail(const char *name, const char *fmt, ...)
{
	char reason[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	vx.n_fail++;
	vx_line("not ok %s: %s", name, reason);
	pr_info("vscmi_exerciser: not ok %s: %s\n", name, reason);
}

/**
 * vx_skip() - record a check that could not run (never counts as a pass)
 * @name: check name
 * @fmt: reason
 */
void vx_skip(const char *name, const char *fmt, ...)
{
	char reason[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	vx.n_skip++;
	vx_line("ok %s # SKIP %s", name, reason);
}

/**
 * vx_n() - format a check name into a static buffer
 * @fmt: printf format
 *
 * The buffer is reused by the next call; use the result immediately.
 * Only for the command thread (under vx.lock).
 *
 * Return: the formatted name.
 */
const char *vx_n(const char *fmt, ...)
{
	static char name[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	return name;
}

/**
 * vx_get() - the binding of a protocol
 * @protocol_id: SCMI protocol id, 0x11 .. 0x18
 *
 * Return: the binding, or NULL when the protocol is not bound (the core
 * created no device for it, or devm_protocol_get() failed).
 */
struct vx_proto *vx_get(u8 protocol_id)
{
	struct vx_proto *p;

	if (protocol_id < VX_PROTO_FIRST || protocol_id > VX_PROTO_LAST)
		return NULL;
	p = &vx.proto[protocol_id - VX_PROTO_FIRST];
	if (protocol_id == SCMI_PROTOCOL_SYSTEM)
		return p->version_ok ? p : NULL;
	return p->ops ? p : NULL;
}

/* ------------------------------------------------------------------ */
/* Commands                                                             */

static void vx_run_all(void)
{
	vx_check_base();
	vx_check_power();
	vx_check_perf();
	vx_check_clock();
	vx_check_sensor();
	vx_check_reset();
	vx_check_voltage();
	vx_check_powercap();
	vx_check_system();
	vx_check_async();
	vx_check_notify();
	vx_check_atomic();
	vx_check_concurrent(50);
}

static const struct {
	const char *name;
	void (*fn)(void);
} vx_simple_cmds[] = {
	{ "all", vx_run_all },
	{ "base", vx_check_base },
	{ "power", vx_check_power },
	{ "perf", vx_check_perf },
	{ "clock", vx_check_clock },
	{ "sensor", vx_check_sensor },
	{ "reset", vx_check_reset },
	{ "voltage", vx_check_voltage },
	{ "powercap", vx_check_powercap },
	{ "system", vx_check_system },
	{ "async", vx_check_async },
	{ "notify", vx_check_notify },
	{ "atomic", vx_check_atomic },
	{ "state", vx_dump_state },
};

static int vx_dispatch(int argc, char **argv)
{
	unsigned int i, n;

	for (i = 0; i < ARRAY_SIZE(vx_simple_cmds); i++) {
		if (strcmp(argv[0], vx_simple_cmds[i].name))
			continue;
		if (argc != 1)
			return -EINVAL;
		vx_simple_cmds[i].fn();
		return 0;
	}
	if (!strcmp(argv[0], "concurrent")) {
		n = 100;
		if (argc > 2 || (argc == 2 && kstrtouint(argv[1], 0, &n)))
			return -EINVAL;
		if (!n || n > 1000000)
			return -EINVAL;
		vx_check_concurrent(n);
		return 0;
	}
	if (!strcmp(argv[0], "bench"))
		return vx_bench(argc - 1, argv + 1);
	/* fault-injection suite: "call", "flood" (vx_fault.c) */
	if (!strcmp(argv[0], "call") || !strcmp(argv[0], "flood"))
		return vx_fault_cmd(argc, argv);
	return -EINVAL;
}

static ssize_t vx_run_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	char cmd[VX_CMD_MAX], *argv[VX_ARGS_MAX], *s, *tok;
	int argc = 0, ret;

	if (count >= sizeof(cmd))
		return -E2BIG;
	if (copy_from_user(cmd, ubuf, count))
		return -EFAULT;
	cmd[count] = '\0';

	s = strim(cmd);
	while ((tok = strsep(&s, " \t\n")) != NULL) {
		if (!*tok)
			continue;
		if (argc == VX_ARGS_MAX)
			return -E2BIG;
		argv[argc++] = tok;
	}
	if (!argc)
		return -EINVAL;

	ret = mutex_lock_interruptible(&vx.lock);
	if (ret)
		return ret;
	if (!vx.handle) {
		ret = -ENODEV;
		goto out;
	}
	vx.len = 0;
	vx.buf[0] = '\0';
	vx.truncated = false;
	vx.n_ok = 0;
	vx.n_fail = 0;
	vx.n_skip = 0;
	{
		char line[VX_CMD_MAX + VX_ARGS_MAX];
		int i, n = 0;

		for (i = 0; i < argc; i++)
			n += scnprintf(line + n, sizeof(line) - n, "%s%s",
				       i ? " " : "", argv[i]);
		vx_line("# command: %s", line);
	}
	ret = vx_dispatch(argc, argv);
	if (ret) {
		vx_line("# command failed: %d", ret);
		goto out;
	}
	vx_line("# done: %u ok, %u not ok, %u skip%s", vx.n_ok, vx.n_fail,
		vx.n_skip, vx.truncated ? " (results truncated)" : "");
	if (vx.truncated) {
		/* Make truncation visible even though the tail was lost. */
		vx.truncated = false;
		vx.len = min(vx.len, vx.cap - 64);
		vx.buf[vx.len] = '\0';
		vx.n_fail++;
		vx_line("not ok exerciser/results: truncated");
	}
	ret = count;
out:
	mutex_unlock(&vx.lock);
	return ret;
}

static ssize_t vx_results_read(struct file *file, char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&vx.lock);
	ret = simple_read_from_buffer(ubuf, count, ppos, vx.buf, vx.len);
	mutex_unlock(&vx.lock);
	return ret;
}

static ssize_t vx_info_read(struct file *file, char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	static const char * const pname[VX_NPROTO] = {
		"power", "system", "perf", "clock", "sensor", "reset",
		"voltage", "powercap",
	};
	unsigned int thr = 0, i;
	char *text;
	ssize_t ret;
	int n = 0;
	const size_t sz = 1024;

	text = kzalloc(sz, GFP_KERNEL);
	if (!text)
		return -ENOMEM;
	mutex_lock(&vx.lock);
	n += scnprintf(text + n, sz - n, "probes %u\n", vx.probes);
	if (vx.handle) {
		n += scnprintf(text + n, sz - n,
			       "vendor %s\nsub_vendor %s\nimpl_ver 0x%x\nversion %u.%u\nprotocols %u\nagents %u\n",
			       vx.handle->version->vendor_id,
			       vx.handle->version->sub_vendor_id,
			       vx.handle->version->impl_ver,
			       vx.handle->version->major_ver,
			       vx.handle->version->minor_ver,
			       vx.handle->version->num_protocols,
			       vx.handle->version->num_agents);
		n += scnprintf(text + n, sz - n, "atomic %d threshold_us %u\n",
			       vx.handle->is_transport_atomic ?
			       vx.handle->is_transport_atomic(vx.handle, &thr) : 0,
			       thr);
	} else {
		n += scnprintf(text + n, sz - n, "handle none\n");
	}
	n += scnprintf(text + n, sz - n, "bound");
	for (i = 0; i < VX_NPROTO; i++)
		if (vx_get(VX_PROTO_FIRST + i))
			n += scnprintf(text + n, sz - n, " %s", pname[i]);
	n += scnprintf(text + n, sz - n, "\n");
	mutex_unlock(&vx.lock);
	ret = simple_read_from_buffer(ubuf, count, ppos, text, n);
	kfree(text);
	return ret;
}

static ssize_t vx_expect_read(struct file *file, char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	const struct vx_expect *e = &vx_exp;
	const size_t sz = 8192;
	unsigned int i;
	ssize_t ret;
	char *t;
	int n = 0;

	t = kzalloc(sz, GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	n += scnprintf(t + n, sz - n, "vendor %s\nsub_vendor %s\n", e->vendor,
		       e->sub_vendor);
	for (i = 0; i < e->nclocks; i++)
		n += scnprintf(t + n, sz - n, "clock %u %s %llu\n", i,
			       e->clocks[i].name, e->clocks[i].rate);
	for (i = 0; i < e->npower; i++)
		n += scnprintf(t + n, sz - n, "power %u %s %s\n", i,
			       e->power[i].name, e->power[i].on ? "on" : "off");
	for (i = 0; i < e->nperf; i++)
		n += scnprintf(t + n, sz - n, "perf %u %s %u\n", i,
			       e->perf[i].name, e->perf[i].level);
	for (i = 0; i < e->nsensors; i++)
		n += scnprintf(t + n, sz - n, "sensor %u %s\n", i,
			       e->sensors[i].name);
	for (i = 0; i < e->nresets; i++)
		n += scnprintf(t + n, sz - n, "reset %u %s\n", i,
			       e->resets[i].name);
	for (i = 0; i < e->nvoltage; i++)
		n += scnprintf(t + n, sz - n, "voltage %u %s %d\n", i,
			       e->voltage[i].name, e->voltage[i].level);
	for (i = 0; i < e->npowercap; i++)
		n += scnprintf(t + n, sz - n, "powercap %u %s %u\n", i,
			       e->powercap[i].name, e->powercap[i].cap);
	ret = simple_read_from_buffer(ubuf, count, ppos, t, n);
	kfree(t);
	return ret;
}

static const struct file_operations vx_expect_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = vx_expect_read,
	.llseek = default_llseek,
};

static const struct file_operations vx_run_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = vx_run_write,
};

static const struct file_operations vx_results_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = vx_results_read,
	.llseek = default_llseek,
};

static const struct file_operations vx_info_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = vx_info_read,
	.llseek = default_llseek,
};

/* ------------------------------------------------------------------ */
/* SCMI driver                                                          */

static int vx_probe(struct scmi_device *sdev)
{
	const struct scmi_handle *handle = sdev->handle;
	struct vx_proto *p;
	u8 id = sdev->protocol_id;
	int ret = 0;

	if (!handle || id < VX_PROTO_FIRST || id > VX_PROTO_LAST)
		return -ENODEV;

	mutex_lock(&vx.lock);
	vx.probes++;
	p = &vx.proto[id - VX_PROTO_FIRST];
	if (id == SCMI_PROTOCOL_SYSTEM) {
		/* The system protocol has no operations, only events. */
		ret = handle->devm_protocol_acquire(sdev, id);
		if (!ret) {
			p->sdev = sdev;
			p->version_ok = true;
		}
	} else {
		struct scmi_protocol_handle *ph;
		const void *ops;

		ops = handle->devm_protocol_get(sdev, id, &ph);
		if (IS_ERR(ops)) {
			ret = PTR_ERR(ops);
		} else {
			p->sdev = sdev;
			p->ph = ph;
			p->ops = ops;
		}
	}
	if (!ret)
		vx.handle = handle;
	mutex_unlock(&vx.lock);

	if (ret)
		dev_err(&sdev->dev, "protocol 0x%02x: %d\n", id, ret);
	else
		dev_dbg(&sdev->dev, "bound protocol 0x%02x\n", id);
	return ret;
}

static void vx_remove(struct scmi_device *sdev)
{
	u8 id = sdev->protocol_id;
	unsigned int i;
	bool any = false;

	if (id < VX_PROTO_FIRST || id > VX_PROTO_LAST)
		return;
	mutex_lock(&vx.lock);
	memset(&vx.proto[id - VX_PROTO_FIRST], 0, sizeof(vx.proto[0]));
	for (i = 0; i < VX_NPROTO; i++)
		any |= vx.proto[i].sdev != NULL;
	if (!any)
		vx.handle = NULL;
	mutex_unlock(&vx.lock);
}

/* One device per protocol; the core creates them only for protocols the
 * platform implements and the device tree lists.
 */
static const struct scmi_device_id vx_id_table[] = {
	{ SCMI_PROTOCOL_POWER, "vscmi-exerciser" },
	{ SCMI_PROTOCOL_SYSTEM, "vscmi-exerciser" },
	{ SCMI_PROTOCOL_PERF, "vscmi-exerciser" },
	{ SCMI_PROTOCOL_CLOCK, "vscmi-exerciser" },
	{ SCMI_PROTOCOL_SENSOR, "vscmi-exerciser" },
	{ SCMI_PROTOCOL_RESET, "vscmi-exerciser" },
	{ SCMI_PROTOCOL_VOLTAGE, "vscmi-exerciser" },
	{ SCMI_PROTOCOL_POWERCAP, "vscmi-exerciser" },
	{ }
};

static struct scmi_driver vx_driver = {
	.name = "vscmi-exerciser",
	.probe = vx_probe,
	.remove = vx_remove,
	.id_table = vx_id_table,
};

static int __init vx_init(void)
{
	int ret;

	vx.cap = VX_BUF_SIZE;
	vx.buf = vzalloc(vx.cap);
	if (!vx.buf)
		return -ENOMEM;

	vx_dir = debugfs_create_dir("vscmi_exerciser", NULL);
	debugfs_create_file("run", 0200, vx_dir, NULL, &vx_run_fops);
	debugfs_create_file("results", 0400, vx_dir, NULL, &vx_results_fops);
	debugfs_create_file("info", 0400, vx_dir, NULL, &vx_info_fops);
	debugfs_create_file("expect", 0400, vx_dir, NULL, &vx_expect_fops);

	ret = scmi_register(&vx_driver);
	if (ret) {
		debugfs_remove_recursive(vx_dir);
		vfree(vx.buf);
	}
	return ret;
}
module_init(vx_init);

static void __exit vx_exit(void)
{
	debugfs_remove_recursive(vx_dir);
	scmi_unregister(&vx_driver);
	vfree(vx.buf);
}
module_exit(vx_exit);

MODULE_DESCRIPTION("virtio-scmi test: SCMI protocol exerciser");
MODULE_LICENSE("GPL");
