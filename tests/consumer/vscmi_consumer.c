// SPDX-License-Identifier: GPL-2.0
/*
 * vscmi_consumer: a test device driver that holds an SCMI power domain, an
 * SCMI clock and an SCMI reset line the way a real device driver does, and
 * logs every power management callback it gets (test code, not shipped).
 *
 * The device is a DT node (compatible "virtio-scmi,test-consumer") with
 * power-domains, clocks and resets pointing at SCMI providers:
 *   - genpd attaches the power domain; runtime PM keeps the device active
 *     (one reference held from probe to remove), so the domain is on;
 *   - runtime_suspend / runtime_resume gate the clock
 *     (clk_disable_unprepare / clk_prepare_enable);
 *   - suspend_late / freeze_late / poweroff_late force a runtime suspend
 *     (clock off) and resume_early / thaw_early / restore_early a runtime
 *     resume (clock on); genpd powers the domain off after the noirq
 *     callbacks and on before them;
 *   - the reset line is deasserted at probe (after the clock is on) and
 *     asserted at remove; writing debugfs "mark" asserts and deasserts it
 *     (a timestamped state change the platform logs too, to line up the
 *     guest's clock with the platform's); writing "wake" runtime-resumes
 *     it if a failed early callback left it suspended.
 *
 * debugfs vscmi_consumer/log: one line per event, "BOOT_NS MONO_NS EVENT
 * RET" (CLOCK_BOOTTIME and CLOCK_MONOTONIC ns when the event ended, the
 * callback or call, its return value); writing anything clears it.
 */

#include <linux/clk.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/pm.h>
#include <linux/pm_runtime.h>
#include <linux/reset.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>

#define VC_LOG_MAX	1024

/**
 * struct vc_event - one logged event
 * @boot_ns: CLOCK_BOOTTIME when it ended
 * @mono_ns: CLOCK_MONOTONIC when it ended
 * @what: callback or call name (a string constant)
 * @ret: its result (0 for callbacks that only log)
 */
struct vc_event {
	u64 boot_ns;
	u64 mono_ns;
	const char *what;
	int ret;
};

/**
 * struct vc_priv - the consumer device
 * @dev: the device
 * @clk: its SCMI clock
 * @rst: its SCMI reset line
 * @clk_on: the clock is prepared and enabled by us
 * @lock: protects the log (taken in the noirq phases too)
 * @n: events in @ev
 * @dropped: events not logged (log full)
 * @ev: the log
 * @dir: debugfs directory
 */
struct vc_priv {
	struct device *dev;
	struct clk *clk;
	struct reset_control *rst;
	bool clk_on;
	spinlock_t lock;	/* the log */
	unsigned int n;
	unsigned int dropped;
	struct vc_event ev[VC_LOG_MAX];
	struct dentry *dir;
};

static void vc_log(struct vc_priv *p, const char *what, int ret)
{
	unsigned long flags;
	u64 boot = ktime_get_boottime_ns(), mono = ktime_get_ns();

	spin_lock_irqsave(&p->lock, flags);
	if (p->n < VC_LOG_MAX)
		p->ev[p->n++] = (struct vc_event){ boot, mono, what, ret };
	else
		p->dropped++;
	spin_unlock_irqrestore(&p->lock, flags);
	dev_info(p->dev, "%s ret %d\n", what, ret);
}

static int vc_clk_on(struct vc_priv *p, const char *what)
{
	int ret = 0;

	if (!p->clk_on) {
		ret = clk_prepare_enable(p->clk);
		p->clk_on = !ret;
	}
	vc_log(p, what, ret);
	return ret;
}

static void vc_clk_off(struct vc_priv *p, const char *what)
{
	if (p->clk_on) {
		clk_disable_unprepare(p->clk);
		p->clk_on = false;
	}
	vc_log(p, what, 0);
}

static int vc_runtime_suspend(struct device *dev)
{
	vc_clk_off(dev_get_drvdata(dev), "runtime_suspend");
	return 0;
}

static int vc_runtime_resume(struct device *dev)
{
	return vc_clk_on(dev_get_drvdata(dev), "runtime_resume");
}

/*
 * The late callbacks: a forced runtime suspend (clock off) and the forced
 * runtime resume in the early ones (clock on), as drivers whose system
 * sleep follows runtime PM do.
 */
static int vc_late(struct device *dev, const char *what)
{
	int ret = pm_runtime_force_suspend(dev);

	vc_log(dev_get_drvdata(dev), what, ret);
	return ret;
}

static int vc_early(struct device *dev, const char *what)
{
	int ret = pm_runtime_force_resume(dev);

	vc_log(dev_get_drvdata(dev), what, ret);
	return ret;
}

/* VC_CB(name, body): a dev_pm_ops callback that runs body(dev, "name") */
#define VC_CB(name, body)					\
static int vc_##name(struct device *dev)			\
{								\
	return body(dev, #name);				\
}

static int vc_note(struct device *dev, const char *what)
{
	vc_log(dev_get_drvdata(dev), what, 0);
	return 0;
}

VC_CB(suspend, vc_note)
VC_CB(suspend_late, vc_late)
VC_CB(suspend_noirq, vc_note)
VC_CB(resume_noirq, vc_note)
VC_CB(resume_early, vc_early)
VC_CB(resume, vc_note)
VC_CB(freeze, vc_note)
VC_CB(freeze_late, vc_late)
VC_CB(freeze_noirq, vc_note)
VC_CB(thaw_noirq, vc_note)
VC_CB(thaw_early, vc_early)
VC_CB(thaw, vc_note)
VC_CB(poweroff, vc_note)
VC_CB(poweroff_late, vc_late)
VC_CB(poweroff_noirq, vc_note)
VC_CB(restore_noirq, vc_note)
VC_CB(restore_early, vc_early)
VC_CB(restore, vc_note)

static const struct dev_pm_ops vc_pm_ops = {
	.suspend = vc_suspend,
	.resume = vc_resume,
	.freeze = vc_freeze,
	.thaw = vc_thaw,
	.poweroff = vc_poweroff,
	.restore = vc_restore,
	.suspend_late = vc_suspend_late,
	.resume_early = vc_resume_early,
	.freeze_late = vc_freeze_late,
	.thaw_early = vc_thaw_early,
	.poweroff_late = vc_poweroff_late,
	.restore_early = vc_restore_early,
	.suspend_noirq = vc_suspend_noirq,
	.resume_noirq = vc_resume_noirq,
	.freeze_noirq = vc_freeze_noirq,
	.thaw_noirq = vc_thaw_noirq,
	.poweroff_noirq = vc_poweroff_noirq,
	.restore_noirq = vc_restore_noirq,
	.runtime_suspend = vc_runtime_suspend,
	.runtime_resume = vc_runtime_resume,
};

static int vc_log_show(struct seq_file *s, void *unused)
{
	struct vc_priv *p = s->private;
	struct vc_event e;
	unsigned int i;

	for (i = 0;; i++) {
		spin_lock_irq(&p->lock);
		if (i >= p->n) {
			spin_unlock_irq(&p->lock);
			break;
		}
		e = p->ev[i];
		spin_unlock_irq(&p->lock);
		seq_printf(s, "%llu %llu %s %d\n", e.boot_ns, e.mono_ns,
			   e.what, e.ret);
	}
	seq_printf(s, "dropped %u\n", p->dropped);
	return 0;
}

static int vc_log_open(struct inode *inode, struct file *file)
{
	return single_open(file, vc_log_show, inode->i_private);
}

static ssize_t vc_log_write(struct file *file, const char __user *buf,
			    size_t len, loff_t *ppos)
{
	struct vc_priv *p = file_inode(file)->i_private;

	spin_lock_irq(&p->lock);
	p->n = 0;
	p->dropped = 0;
	spin_unlock_irq(&p->lock);
	return len;
}

static const struct file_operations vc_log_fops = {
	.owner = THIS_MODULE,
	.open = vc_log_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = vc_log_write,
};

/* Writing "mark" pulses the reset line: assert, deassert, both logged. */
static ssize_t vc_mark_write(struct file *file, const char __user *buf,
			     size_t len, loff_t *ppos)
{
	struct vc_priv *p = file_inode(file)->i_private;
	int ret;

	ret = reset_control_assert(p->rst);
	vc_log(p, "mark_assert", ret);
	if (ret)
		return ret;
	ret = reset_control_deassert(p->rst);
	vc_log(p, "mark_deassert", ret);
	return ret ? ret : len;
}

static const struct file_operations vc_mark_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = vc_mark_write,
};

/*
 * Writing "wake" resumes the device if it is runtime suspended (domain on,
 * clock on), as a driver's next use would: after a system sleep whose
 * early callback failed to bring it back.  Logged as "wake".
 */
static ssize_t vc_wake_write(struct file *file, const char __user *buf,
			     size_t len, loff_t *ppos)
{
	struct vc_priv *p = file_inode(file)->i_private;
	int ret;

	ret = pm_runtime_resume_and_get(p->dev);
	if (!ret)
		pm_runtime_put_noidle(p->dev);
	vc_log(p, "wake", ret);
	return ret ? ret : len;
}

static const struct file_operations vc_wake_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = vc_wake_write,
};

static int vc_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct vc_priv *p;
	int ret;

	p = devm_kzalloc(dev, sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p->dev = dev;
	spin_lock_init(&p->lock);
	platform_set_drvdata(pdev, p);

	if (!dev->pm_domain)
		return dev_err_probe(dev, -ENODEV, "no power domain attached\n");
	p->clk = devm_clk_get(dev, NULL);
	if (IS_ERR(p->clk))
		return dev_err_probe(dev, PTR_ERR(p->clk), "no clock\n");
	p->rst = devm_reset_control_get_exclusive(dev, NULL);
	if (IS_ERR(p->rst))
		return dev_err_probe(dev, PTR_ERR(p->rst), "no reset\n");

	ret = reset_control_assert(p->rst);
	vc_log(p, "probe_assert", ret);
	if (ret)
		return ret;
	ret = devm_pm_runtime_enable(dev);
	if (ret)
		return ret;
	/* domain on (genpd), then clock on (runtime_resume) */
	ret = pm_runtime_resume_and_get(dev);
	vc_log(p, "probe_get", ret);
	if (ret)
		return ret;
	ret = reset_control_deassert(p->rst);
	vc_log(p, "probe_deassert", ret);
	if (ret) {
		pm_runtime_put_sync(dev);
		return ret;
	}

	p->dir = debugfs_create_dir("vscmi_consumer", NULL);
	debugfs_create_file("log", 0600, p->dir, p, &vc_log_fops);
	debugfs_create_file("mark", 0200, p->dir, p, &vc_mark_fops);
	debugfs_create_file("wake", 0200, p->dir, p, &vc_wake_fops);
	return 0;
}

static void vc_remove(struct platform_device *pdev)
{
	struct vc_priv *p = platform_get_drvdata(pdev);

	debugfs_remove_recursive(p->dir);
	reset_control_assert(p->rst);
	pm_runtime_put_sync(&pdev->dev);
}

static const struct of_device_id vc_of_match[] = {
	{ .compatible = "virtio-scmi,test-consumer" },
	{ }
};
MODULE_DEVICE_TABLE(of, vc_of_match);

static struct platform_driver vc_driver = {
	.driver = {
		.name = "vscmi_consumer",
		.of_match_table = vc_of_match,
		.pm = &vc_pm_ops,
	},
	.probe = vc_probe,
	.remove = vc_remove,
};
module_platform_driver(vc_driver);

MODULE_DESCRIPTION("Test consumer of SCMI power domain, clock and reset across system sleep");
MODULE_LICENSE("GPL");
