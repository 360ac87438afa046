// SPDX-License-Identifier: GPL-2.0
/*
 * vscmi_traffic - background SCMI traffic that outlives the shell.
 *
 * The exerciser's commands block the writer until they finish, and a
 * user task blocked in the kernel cannot be frozen: traffic that must go
 * on while the device is unplugged, the transport unloaded or the system
 * frozen comes from this module's kernel threads instead (kernel threads
 * are not freezable unless they ask to be).
 *
 * Debugfs, /sys/kernel/debug/vscmi_traffic/:
 *   control  "start THREADS [PAUSE_US [KINDS]]": THREADS callers (0: one
 *            per online CPU, bound to it), each looping over clock rate
 *            gets, perf level gets and power state gets of every resource
 *            (KINDS, a mask: 1 clock, 2 perf, 4 power; default 7), PAUSE_US
 *            (0) between commands; "stop"; "reset" (counters)
 *   stats    "name value" lines: running, calls, errors, wrong, removes,
 *            then first_error/first_wrong text lines, then "causes" and
 *            every distinct (phase, error) of the failed commands as
 *            PHASE/ERRNO=COUNT
 *
 * The phase of a failed command is the last system sleep step this module
 * saw: "running" outside a transition, "pm_prepare" after the PM notifier's
 * PM_*_PREPARE, then the name of the last dev_pm_ops callback its own SCMI
 * devices got ("suspend", "suspend_late", "suspend_noirq", "resume_noirq",
 * "resume_early", "resume", and the freeze/thaw/poweroff/restore ones),
 * "running" again at PM_POST_*.  Those devices come after the transport
 * in the PM core's device order: their suspend-side callbacks run before
 * the transport's, their resume-side ones after.
 *
 * Every answer is compared with the value read for that resource by
 * "start" (nothing else changes those values while the traffic runs), and
 * the callers ask different resources in turn, so an answer handed to the
 * wrong caller shows up as "wrong".  Removal of any of our SCMI devices
 * (hot-unplug, transport unload) stops the callers first: the threads
 * never use a protocol handle after its device is gone.
 */

#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pm.h>
#include <linux/scmi_protocol.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/suspend.h>
#include <linux/uaccess.h>

#define VT_MAX_RES	32
#define VT_MAX_THREADS	64
#define VT_TEXT		128

enum vt_kind { VT_CLOCK, VT_PERF, VT_POWER, VT_NKINDS };

static const u8 vt_proto_ids[VT_NKINDS] = {
	SCMI_PROTOCOL_CLOCK, SCMI_PROTOCOL_PERF, SCMI_PROTOCOL_POWER,
};

static const char * const vt_kind_names[VT_NKINDS] = {
	"clock", "perf", "power",
};

/**
 * struct vt_proto - one protocol bound to this driver
 * @ph: protocol handle from devm_protocol_get()
 * @ops: the protocol's operations, NULL when not bound
 * @n: resources of the protocol taken as reference (at most VT_MAX_RES)
 * @ref: each resource's value read by "start"
 */
struct vt_proto {
	struct scmi_protocol_handle *ph;
	const void *ops;
	unsigned int n;
	u64 ref[VT_MAX_RES];
};

/**
 * struct vt_thread - one caller
 * @task: the kthread, NULL when not started
 * @idx: the caller's number, which offsets its resource sequence
 */
struct vt_thread {
	struct task_struct *task;
	unsigned int idx;
};

/**
 * struct vt_state - the module's state
 * @lock: serialises start/stop/probe/remove; @proto and @threads change
 *	  only under it, and the threads run only while it is not held by a
 *	  remove (remove stops them before clearing @proto)
 * @proto: bindings, indexed by enum vt_kind
 * @threads: the callers
 * @nthreads: callers started
 * @pause_us: pause between commands
 * @kinds: mask of the enum vt_kind values the callers use
 * @calls: answers that matched the reference
 * @errors: commands that returned an error
 * @wrong: answers that differed from the reference
 * @removes: removals that stopped running callers
 * @text_lock: protects @first_error and @first_wrong
 * @first_error: the first error, as text
 * @first_wrong: the first wrong answer, as text
 */
struct vt_state {
	struct mutex lock; /* start/stop/probe/remove, see above */
	struct vt_proto proto[VT_NKINDS];
	struct vt_thread threads[VT_MAX_THREADS];
	unsigned int nthreads;
	unsigned int pause_us;
	unsigned int kinds;
	atomic64_t calls, errors, wrong, removes;
	spinlock_t text_lock; /* first_error, first_wrong */
	char first_error[VT_TEXT];
	char first_wrong[VT_TEXT];
};

static struct vt_state vt = {
	.lock = __MUTEX_INITIALIZER(vt.lock),
	.text_lock = __SPIN_LOCK_UNLOCKED(vt.text_lock),
};

static struct dentry *vt_dir;

#define VT_CAUSES	32

/**
 * struct vt_cause - failed commands of one (phase, error)
 * @phase: the phase (a string constant), NULL for a free slot
 * @err: the error
 * @n: how many
 */
struct vt_cause {
	const char *phase;
	int err;
	u64 n;
};

static const char *vt_phase = "running";
static DEFINE_SPINLOCK(vt_cause_lock);	/* vt_causes, vt_causes_lost */
static struct vt_cause vt_causes[VT_CAUSES];
static u64 vt_causes_lost;

static void vt_cause_add(int err)
{
	const char *phase = READ_ONCE(vt_phase);
	unsigned long flags;
	int i;

	spin_lock_irqsave(&vt_cause_lock, flags);
	for (i = 0; i < VT_CAUSES; i++) {
		if (!vt_causes[i].phase) {
			vt_causes[i].phase = phase;
			vt_causes[i].err = err;
		}
		if (vt_causes[i].phase == phase && vt_causes[i].err == err) {
			vt_causes[i].n++;
			break;
		}
	}
	if (i == VT_CAUSES)
		vt_causes_lost++;
	spin_unlock_irqrestore(&vt_cause_lock, flags);
}

static void vt_causes_reset(void)
{
	spin_lock_irq(&vt_cause_lock);
	memset(vt_causes, 0, sizeof(vt_causes));
	vt_causes_lost = 0;
	spin_unlock_irq(&vt_cause_lock);
}

/* VT_PHASE(cb): a dev_pm_ops callback that records the phase "cb" */
#define VT_PHASE(cb)					\
static int vt_pm_##cb(struct device *dev)		\
{							\
	WRITE_ONCE(vt_phase, #cb);			\
	return 0;					\
}

VT_PHASE(suspend)
VT_PHASE(suspend_late)
VT_PHASE(suspend_noirq)
VT_PHASE(resume_noirq)
VT_PHASE(resume_early)
VT_PHASE(resume)
VT_PHASE(freeze)
VT_PHASE(freeze_late)
VT_PHASE(freeze_noirq)
VT_PHASE(thaw_noirq)
VT_PHASE(thaw_early)
VT_PHASE(thaw)
VT_PHASE(poweroff)
VT_PHASE(poweroff_late)
VT_PHASE(poweroff_noirq)
VT_PHASE(restore_noirq)
VT_PHASE(restore_early)
VT_PHASE(restore)

static const struct dev_pm_ops vt_pm_ops = {
	.suspend = vt_pm_suspend,
	.suspend_late = vt_pm_suspend_late,
	.suspend_noirq = vt_pm_suspend_noirq,
	.resume_noirq = vt_pm_resume_noirq,
	.resume_early = vt_pm_resume_early,
	.resume = vt_pm_resume,
	.freeze = vt_pm_freeze,
	.freeze_late = vt_pm_freeze_late,
	.freeze_noirq = vt_pm_freeze_noirq,
	.thaw_noirq = vt_pm_thaw_noirq,
	.thaw_early = vt_pm_thaw_early,
	.thaw = vt_pm_thaw,
	.poweroff = vt_pm_poweroff,
	.poweroff_late = vt_pm_poweroff_late,
	.poweroff_noirq = vt_pm_poweroff_noirq,
	.restore_noirq = vt_pm_restore_noirq,
	.restore_early = vt_pm_restore_early,
	.restore = vt_pm_restore,
};

static int vt_pm_notify(struct notifier_block *nb, unsigned long ev,
			void *unused)
{
	switch (ev) {
	case PM_SUSPEND_PREPARE:
	case PM_HIBERNATION_PREPARE:
	case PM_RESTORE_PREPARE:
		WRITE_ONCE(vt_phase, "pm_prepare");
		break;
	case PM_POST_SUSPEND:
	case PM_POST_HIBERNATION:
	case PM_POST_RESTORE:
		WRITE_ONCE(vt_phase, "running");
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block vt_pm_nb = {
	.notifier_call = vt_pm_notify,
};

static void vt_note(char *dst, const char *fmt, ...)
{
	va_list ap;

	spin_lock(&vt.text_lock);
	if (!dst[0]) {
		va_start(ap, fmt);
		vsnprintf(dst, VT_TEXT, fmt, ap);
		va_end(ap);
	}
	spin_unlock(&vt.text_lock);
}

/* One command on resource @id of @kind; the value read goes to @val. */
static int vt_call(enum vt_kind kind, unsigned int id, u64 *val)
{
	const struct vt_proto *p = &vt.proto[kind];
	const struct scmi_power_proto_ops *wops;
	const struct scmi_perf_proto_ops *pops;
	const struct scmi_clk_proto_ops *cops;
	u32 v32 = 0;
	int ret;

	switch (kind) {
	case VT_CLOCK:
		cops = p->ops;
		return cops->rate_get(p->ph, id, val);
	case VT_PERF:
		pops = p->ops;
		ret = pops->level_get(p->ph, id, &v32, false);
		break;
	case VT_POWER:
		wops = p->ops;
		ret = wops->state_get(p->ph, id, &v32);
		break;
	default:
		return -EINVAL;
	}
	*val = v32;
	return ret;
}

static int vt_thread_fn(void *arg)
{
	struct vt_thread *t = arg;
	unsigned long k = t->idx;
	enum vt_kind kind;
	unsigned int id;
	u64 val;
	int ret;

	while (!kthread_should_stop()) {
		kind = k % VT_NKINDS;
		k++;
		if (!(vt.kinds & BIT(kind)) || !vt.proto[kind].ops ||
		    !vt.proto[kind].n)
			continue;
		id = (k / VT_NKINDS + t->idx) % vt.proto[kind].n;
		val = 0;
		ret = vt_call(kind, id, &val);
		if (ret) {
			atomic64_inc(&vt.errors);
			vt_cause_add(ret);
			vt_note(vt.first_error, "%s %u: error %d",
				vt_kind_names[kind], id, ret);
			/* a stopped channel fails at once: do not spin */
			usleep_range(1000, 2000);
		} else if (val != vt.proto[kind].ref[id]) {
			atomic64_inc(&vt.wrong);
			vt_note(vt.first_wrong, "%s %u: %llu, want %llu",
				vt_kind_names[kind], id, val,
				vt.proto[kind].ref[id]);
		} else {
			atomic64_inc(&vt.calls);
		}
		if (vt.pause_us)
			usleep_range(vt.pause_us, vt.pause_us + vt.pause_us / 2);
		else
			cond_resched();
	}
	return 0;
}

/* Stop every caller; returns how many ran.  Called with vt.lock held. */
static unsigned int vt_stop_locked(void)
{
	unsigned int i, n = vt.nthreads;

	for (i = 0; i < vt.nthreads; i++) {
		if (vt.threads[i].task)
			kthread_stop(vt.threads[i].task);
		vt.threads[i].task = NULL;
	}
	vt.nthreads = 0;
	return n;
}

/* Count resources and read the reference values.  vt.lock held. */
static int vt_reference_locked(void)
{
	const struct scmi_power_proto_ops *wops;
	const struct scmi_perf_proto_ops *pops;
	const struct scmi_clk_proto_ops *cops;
	struct vt_proto *p;
	unsigned int k, i;
	int n, ret, any = 0;

	for (k = 0; k < VT_NKINDS; k++) {
		p = &vt.proto[k];
		p->n = 0;
		if (!p->ops)
			continue;
		switch (k) {
		case VT_CLOCK:
			cops = p->ops;
			n = cops->count_get(p->ph);
			break;
		case VT_PERF:
			pops = p->ops;
			n = pops->num_domains_get(p->ph);
			break;
		default:
			wops = p->ops;
			n = wops->num_domains_get(p->ph);
			break;
		}
		if (n < 0)
			return n;
		n = min(n, VT_MAX_RES);
		for (i = 0; i < n; i++) {
			ret = vt_call(k, i, &p->ref[i]);
			if (ret) {
				pr_err("vscmi_traffic: %s %u reference: %d\n",
				       vt_kind_names[k], i, ret);
				return ret;
			}
		}
		p->n = n;
		any += n;
	}
	return any ? 0 : -ENODEV;
}

static int vt_start_locked(unsigned int threads, unsigned int pause_us,
			   unsigned int kinds)
{
	unsigned int cpu, i = 0;
	struct task_struct *task;
	bool per_cpu = !threads;
	int ret;

	if (vt.nthreads)
		return -EBUSY;
	ret = vt_reference_locked();
	if (ret)
		return ret;
	for (i = 0; i < VT_NKINDS; i++)
		if (!vt.proto[i].n)
			kinds &= ~BIT(i);
	if (!(kinds & (BIT(VT_NKINDS) - 1)))
		return -ENODEV;
	vt.kinds = kinds;
	vt.pause_us = pause_us;
	if (per_cpu)
		threads = min_t(unsigned int, num_online_cpus(), VT_MAX_THREADS);
	threads = min_t(unsigned int, threads, VT_MAX_THREADS);
	cpus_read_lock();
	cpu = cpumask_first(cpu_online_mask);
	for (i = 0; i < threads; i++) {
		vt.threads[i].idx = i;
		task = kthread_create(vt_thread_fn, &vt.threads[i],
				      "vscmi_traffic/%u", i);
		if (IS_ERR(task)) {
			ret = PTR_ERR(task);
			break;
		}
		if (per_cpu && cpu < nr_cpu_ids) {
			kthread_bind(task, cpu);
			cpu = cpumask_next(cpu, cpu_online_mask);
		}
		vt.threads[i].task = task;
		vt.nthreads++;
	}
	cpus_read_unlock();
	for (i = 0; i < vt.nthreads; i++)
		wake_up_process(vt.threads[i].task);
	if (ret)
		vt_stop_locked();
	return ret;
}

static ssize_t vt_control_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	unsigned int threads = 0, pause_us = 0, kinds = BIT(VT_NKINDS) - 1;
	char cmd[64];
	int ret = 0;

	if (count >= sizeof(cmd))
		return -E2BIG;
	if (copy_from_user(cmd, ubuf, count))
		return -EFAULT;
	cmd[count] = '\0';
	strim(cmd);

	mutex_lock(&vt.lock);
	if (!strncmp(cmd, "start", 5)) {
		if (sscanf(cmd + 5, "%u %u %u", &threads, &pause_us, &kinds) < 1)
			threads = 0;
		ret = vt_start_locked(threads, pause_us, kinds);
	} else if (!strcmp(cmd, "stop")) {
		vt_stop_locked();
	} else if (!strcmp(cmd, "reset")) {
		atomic64_set(&vt.calls, 0);
		atomic64_set(&vt.errors, 0);
		atomic64_set(&vt.wrong, 0);
		atomic64_set(&vt.removes, 0);
		spin_lock(&vt.text_lock);
		vt.first_error[0] = '\0';
		vt.first_wrong[0] = '\0';
		spin_unlock(&vt.text_lock);
		vt_causes_reset();
	} else {
		ret = -EINVAL;
	}
	mutex_unlock(&vt.lock);
	return ret ? ret : count;
}

static int vt_stats_show(struct seq_file *s, void *unused)
{
	unsigned int k;
	int i;

	mutex_lock(&vt.lock);
	seq_printf(s, "running %u\n", vt.nthreads);
	seq_puts(s, "bound");
	for (k = 0; k < VT_NKINDS; k++)
		if (vt.proto[k].ops)
			seq_printf(s, " %s", vt_kind_names[k]);
	seq_puts(s, "\n");
	mutex_unlock(&vt.lock);
	seq_printf(s, "calls %lld\nerrors %lld\nwrong %lld\nremoves %lld\n",
		   atomic64_read(&vt.calls), atomic64_read(&vt.errors),
		   atomic64_read(&vt.wrong), atomic64_read(&vt.removes));
	spin_lock(&vt.text_lock);
	seq_printf(s, "first_error %s\nfirst_wrong %s\n",
		   vt.first_error[0] ? vt.first_error : "-",
		   vt.first_wrong[0] ? vt.first_wrong : "-");
	spin_unlock(&vt.text_lock);
	seq_puts(s, "causes");
	spin_lock_irq(&vt_cause_lock);
	for (i = 0; i < VT_CAUSES && vt_causes[i].phase; i++)
		seq_printf(s, " %s/%d=%llu", vt_causes[i].phase,
			   vt_causes[i].err, vt_causes[i].n);
	if (vt_causes_lost)
		seq_printf(s, " lost=%llu", vt_causes_lost);
	spin_unlock_irq(&vt_cause_lock);
	seq_puts(s, "\n");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vt_stats);

static const struct file_operations vt_control_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = vt_control_write,
	.llseek = noop_llseek,
};

static int vt_kind_of(u8 id)
{
	unsigned int k;

	for (k = 0; k < VT_NKINDS; k++)
		if (vt_proto_ids[k] == id)
			return k;
	return -1;
}

static int vt_probe(struct scmi_device *sdev)
{
	struct scmi_protocol_handle *ph;
	int k = vt_kind_of(sdev->protocol_id);
	const void *ops;

	if (!sdev->handle || k < 0)
		return -ENODEV;
	ops = sdev->handle->devm_protocol_get(sdev, sdev->protocol_id, &ph);
	if (IS_ERR(ops))
		return PTR_ERR(ops);
	mutex_lock(&vt.lock);
	vt.proto[k].ph = ph;
	vt.proto[k].ops = ops;
	vt.proto[k].n = 0;
	mutex_unlock(&vt.lock);
	return 0;
}

static void vt_remove(struct scmi_device *sdev)
{
	int k = vt_kind_of(sdev->protocol_id);

	if (k < 0)
		return;
	mutex_lock(&vt.lock);
	/* the callers use every binding: stop them before this one goes */
	if (vt_stop_locked())
		atomic64_inc(&vt.removes);
	memset(&vt.proto[k], 0, sizeof(vt.proto[k]));
	mutex_unlock(&vt.lock);
}

static const struct scmi_device_id vt_id_table[] = {
	{ SCMI_PROTOCOL_POWER, "vscmi-traffic" },
	{ SCMI_PROTOCOL_PERF, "vscmi-traffic" },
	{ SCMI_PROTOCOL_CLOCK, "vscmi-traffic" },
	{ }
};

static struct scmi_driver vt_driver = {
	.name = "vscmi-traffic",
	.probe = vt_probe,
	.remove = vt_remove,
	.id_table = vt_id_table,
	.driver.pm = &vt_pm_ops,
};

static int __init vt_init(void)
{
	int ret;

	vt_dir = debugfs_create_dir("vscmi_traffic", NULL);
	debugfs_create_file("control", 0200, vt_dir, NULL, &vt_control_fops);
	debugfs_create_file("stats", 0400, vt_dir, NULL, &vt_stats_fops);
	ret = scmi_register(&vt_driver);
	if (ret) {
		debugfs_remove_recursive(vt_dir);
		return ret;
	}
	register_pm_notifier(&vt_pm_nb);
	return 0;
}
module_init(vt_init);

static void __exit vt_exit(void)
{
	unregister_pm_notifier(&vt_pm_nb);
	scmi_unregister(&vt_driver);
	mutex_lock(&vt.lock);
	vt_stop_locked();
	mutex_unlock(&vt.lock);
	debugfs_remove_recursive(vt_dir);
}
module_exit(vt_exit);

MODULE_DESCRIPTION("Background SCMI traffic for virtio_scmi stress tests");
MODULE_LICENSE("GPL");
