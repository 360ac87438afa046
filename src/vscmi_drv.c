// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_scmi: the virtio driver (probe, remove, freeze/restore, module
 * parameters).  See vscmi_chan.c for the theory of operation.
 */

#include <linux/delay.h>
#include <linux/device.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_ring.h>
#include <linux/virtio_scmi.h>

#include "vscmi.h"

/* How long freeze waits for outstanding replies before failing them */
#define VSCMI_FREEZE_WAIT_MS	1000

/*
 * Poll interval of a command sent during a system sleep transition: the
 * poller sleeps in between (the timer interrupt works in the noirq phases)
 * and leaves the CPU to the device's threads and other pollers.
 */
#define VSCMI_SLEEP_POLL_US	50

/*
 * A delayed response is accepted for the consumer's own wait less this
 * margin after its reply: the consumer's wait starts after the reply is
 * delivered, and the margin covers the delivery itself on a stalled vCPU.
 */
#define VSCMI_DRESP_MARGIN_MS	100

/*
 * Bounded unsigned parameters: param_set_uint_minmax() refuses anything
 * that is not an integer within the bounds (kstrtouint, base 0).  The
 * module loader's own line ("`VALUE' invalid for parameter `NAME'") says
 * neither what is accepted nor why, so a refusal also logs the range.
 */
static int vscmi_param_uint(const char *val, const struct kernel_param *kp,
			    unsigned int min, unsigned int max)
{
	int ret = param_set_uint_minmax(val, kp, min, max);

	if (ret)
		pr_err(VSCMI_DRV_NAME ": %s=%s refused: not an integer from %u to %u\n",
		       kp->name, val, min, max);
	return ret;
}

static unsigned int max_msg = 1024;

static int vscmi_set_max_msg(const char *val, const struct kernel_param *kp)
{
	return vscmi_param_uint(val, kp, 1, 1024);
}

static const struct kernel_param_ops vscmi_max_msg_ops = {
	.set = vscmi_set_max_msg,
	.get = param_get_uint,
};
module_param_cb(max_msg, &vscmi_max_msg_ops, &max_msg, 0444);
MODULE_PARM_DESC(max_msg,
		 "Most commands in flight (1-1024, default 1024; also limited by the cmdq size)");

static unsigned int max_msg_size = 128;

static int vscmi_set_max_msg_size(const char *val, const struct kernel_param *kp)
{
	return vscmi_param_uint(val, kp, 32, 4096);
}

static const struct kernel_param_ops vscmi_max_msg_size_ops = {
	.set = vscmi_set_max_msg_size,
	.get = param_get_uint,
};
module_param_cb(max_msg_size, &vscmi_max_msg_size_ops, &max_msg_size, 0444);
MODULE_PARM_DESC(max_msg_size,
		 "Largest SCMI payload in bytes, without header and status (32-4096, default 128)");

static unsigned int rx_timeout_ms = 30000;

static int vscmi_set_rx_timeout_ms(const char *val, const struct kernel_param *kp)
{
	return vscmi_param_uint(val, kp, 10, 600000);
}

static const struct kernel_param_ops vscmi_rx_timeout_ms_ops = {
	.set = vscmi_set_rx_timeout_ms,
	.get = param_get_uint,
};
module_param_cb(rx_timeout_ms, &vscmi_rx_timeout_ms_ops, &rx_timeout_ms, 0444);
MODULE_PARM_DESC(rx_timeout_ms,
		 "Reply timeout in ms (10-600000, default 30000; DT arm,max-rx-timeout-ms overrides)");

static unsigned int spin_us = 200;

static int vscmi_set_spin_us(const char *val, const struct kernel_param *kp)
{
	return vscmi_param_uint(val, kp, 0, 1000);
}

static const struct kernel_param_ops vscmi_spin_us_ops = {
	.set = vscmi_set_spin_us,
	.get = param_get_uint,
};
module_param_cb(spin_us, &vscmi_spin_us_ops, &spin_us, 0444);
MODULE_PARM_DESC(spin_us,
		 "Busy-wait up to this many us for a reply before sleeping, while replies come that fast (0-1000, default 200; 0: never)");

/*
 * Booleans: param_set_bool() (kstrtobool: y/n, 1/0, on/off, read from the
 * first characters); a refusal is logged with what is accepted.
 */
static int vscmi_param_bool(const char *val, const struct kernel_param *kp)
{
	int ret = param_set_bool(val, kp);

	if (ret)
		pr_err(VSCMI_DRV_NAME ": %s=%s refused: not a boolean (y/n, 1/0, on/off)\n",
		       kp->name, val ? val : "");
	return ret;
}

static const struct kernel_param_ops vscmi_bool_ops = {
	.flags = KERNEL_PARAM_OPS_FL_NOARG,
	.set = vscmi_param_bool,
	.get = param_get_bool,
};

static bool polling;
module_param_cb(polling, &vscmi_bool_ops, &polling, 0444);
MODULE_PARM_DESC(polling, "Poll for every reply instead of using interrupts");

/*
 * Atomic transfers are polled by callers that may have interrupts or
 * preemption off; on PREEMPT_RT the locks of this transport and of the SCMI
 * core sleep, so the module refuses to load with atomic=1 there.
 */
static bool atomic;
module_param_cb(atomic, &vscmi_bool_ops, &atomic, 0444);
MODULE_PARM_DESC(atomic,
		 "Allow atomic (busy-polled, non-sleeping) SCMI transfers (refused on PREEMPT_RT)");

/* The one device this driver serves; protected by vscmi_slot_lock */
static struct vscmi_device *vscmi_slot;
static DEFINE_MUTEX(vscmi_slot_lock);

static void vscmi_cmd_done(struct virtqueue *vq)
{
	struct vscmi_device *vd = vq->vdev->priv;

	vscmi_chan_vq_done(&vd->cmd);
}

static void vscmi_evt_done(struct virtqueue *vq)
{
	struct vscmi_device *vd = vq->vdev->priv;

	/*
	 * A device answers a command before it sends its delayed response:
	 * take the replies already on cmdq first, so that a delayed response
	 * is not delivered ahead of its own immediate reply.
	 */
	vscmi_chan_vq_done(&vd->cmd);
	vscmi_chan_vq_done(&vd->evt);
}

static int vscmi_find_vqs(struct vscmi_device *vd, struct virtqueue **vqs)
{
	struct virtqueue_info info[] = {
		{ .name = "cmdq", .callback = vscmi_cmd_done },
		{ .name = "eventq", .callback = vscmi_evt_done },
	};
	int ret;

	ret = virtio_find_vqs(vd->vdev, vd->has_evt ? 2 : 1, vqs, info, NULL);
	if (ret)
		dev_err(vd->dev, "cannot set up virtqueues: %d\n", ret);
	return ret;
}

/* Start the channels on their queues; the device is not yet DRIVER_OK */
static void vscmi_queues_start(struct vscmi_device *vd,
			       struct virtqueue **vqs)
{
	vscmi_chan_start(&vd->cmd, vqs[VIRTIO_SCMI_VQ_TX]);
	if (vd->has_evt)
		vscmi_chan_start(&vd->evt, vqs[VIRTIO_SCMI_VQ_RX]);
}

/* DRIVER_OK, then the channels accept work: no kick may precede it */
static void vscmi_queues_ready(struct vscmi_device *vd)
{
	virtio_device_ready(vd->vdev);
	vscmi_chan_ready(&vd->cmd);
	if (vd->has_evt)
		vscmi_chan_ready(&vd->evt);
}

/* Reset the device, take every buffer back and delete the queues */
static void vscmi_queues_down(struct vscmi_device *vd)
{
	vscmi_chan_stop(&vd->cmd);
	if (vd->has_evt)
		vscmi_chan_stop(&vd->evt);
	virtio_reset_device(vd->vdev);
	vscmi_chan_reclaim(&vd->cmd);
	if (vd->has_evt)
		vscmi_chan_reclaim(&vd->evt);
	vd->vdev->config->del_vqs(vd->vdev);
}

static unsigned int vscmi_dresp_window_ms(void)
{
	unsigned int t = vscmi_attach_dresp_timeout_ms();

	return t > 2 * VSCMI_DRESP_MARGIN_MS ? t - VSCMI_DRESP_MARGIN_MS : t / 2;
}

static unsigned int vscmi_limit(unsigned int ring, unsigned int cap)
{
	return min3(ring, cap, (unsigned int)VSCMI_TOKENS);
}

static void vscmi_free(struct vscmi_device *vd)
{
	vscmi_chan_destroy(&vd->cmd);
	vscmi_chan_destroy(&vd->evt);
	vscmi_stats_exit(&vd->stats);
	kfree(vd);
}

static int vscmi_probe(struct virtio_device *vdev)
{
	struct virtqueue *vqs[VIRTIO_SCMI_VQ_MAX_CNT];
	unsigned int cmd_ring, evt_ring = 0;
	struct vscmi_device *vd;
	int ret;

	mutex_lock(&vscmi_slot_lock);
	if (vscmi_slot) {
		dev_err(&vdev->dev,
			"only one SCMI virtio device is supported and %s already uses this driver\n",
			dev_name(vscmi_slot->dev));
		mutex_unlock(&vscmi_slot_lock);
		return -EBUSY;
	}
	vd = kzalloc(sizeof(*vd), GFP_KERNEL);
	if (!vd) {
		mutex_unlock(&vscmi_slot_lock);
		return -ENOMEM;
	}
	vscmi_slot = vd;
	mutex_unlock(&vscmi_slot_lock);

	vd->vdev = vdev;
	vd->dev = &vdev->dev;
	vd->has_evt = virtio_has_feature(vdev, VIRTIO_SCMI_F_P2A_CHANNELS);
	vd->max_payload = max_msg_size;
	vd->timeout_ms = rx_timeout_ms;
	vd->spin_us = spin_us;
	vd->polling = polling;
	vd->atomic = atomic;
	vdev->priv = vd;
	vscmi_stats_init(&vd->stats, dev_name(&vdev->dev));

	ret = vscmi_find_vqs(vd, vqs);
	if (ret)
		goto err_free;
	/* each command takes two descriptors, each event buffer one */
	cmd_ring = virtqueue_get_vring_size(vqs[VIRTIO_SCMI_VQ_TX]);
	vd->cmd_max = vscmi_limit(cmd_ring / 2, max_msg);
	if (vd->has_evt) {
		evt_ring = virtqueue_get_vring_size(vqs[VIRTIO_SCMI_VQ_RX]);
		vd->evt_max = vscmi_limit(evt_ring, max_msg);
	}
	if (!vd->cmd_max || (vd->has_evt && !vd->evt_max)) {
		dev_err(vd->dev, "virtqueues too small (cmdq %u, eventq %u)\n",
			cmd_ring, evt_ring);
		ret = -EINVAL;
		goto err_del;
	}

	ret = vscmi_chan_init(&vd->cmd, vd->dev, &vd->stats, false,
			      vd->cmd_max, vd->max_payload);
	if (!ret && vd->has_evt)
		ret = vscmi_chan_init(&vd->evt, vd->dev, &vd->stats, true,
				      vd->evt_max, vd->max_payload);
	if (ret)
		goto err_del;
	vd->cmd.dresp_window = msecs_to_jiffies(vscmi_dresp_window_ms());
	vd->evt.cmd = &vd->cmd;
	vd->cmd.spin_ns = (u64)vd->spin_us * NSEC_PER_USEC;

	vscmi_queues_start(vd, vqs);
	vscmi_queues_ready(vd);

	dev_info(vd->dev,
		 "SCMI over virtio: cmdq %u (%u in flight), eventq %u (%u buffers), P2A %s, max_msg_size %u, timeout %u ms, mode %s%s, spin %u us, core ABI %s\n",
		 cmd_ring, vd->cmd_max, evt_ring, vd->evt_max,
		 vd->has_evt ? "yes" : "no", vd->max_payload, vd->timeout_ms,
		 vd->polling ? "polling" : "irq", vd->atomic ? "+atomic" : "",
		 vd->spin_us, vscmi_attach_name());

	ret = vscmi_attach_probe(vd);
	if (ret)
		goto err_down;
	return 0;

err_down:
	vscmi_queues_down(vd);
	goto err_free;
err_del:
	virtio_reset_device(vdev);
	vdev->config->del_vqs(vdev);
err_free:
	vscmi_free(vd);
	vdev->priv = NULL;
	mutex_lock(&vscmi_slot_lock);
	vscmi_slot = NULL;
	mutex_unlock(&vscmi_slot_lock);
	return ret;
}

static void vscmi_remove(struct virtio_device *vdev)
{
	struct vscmi_device *vd = vdev->priv;

	/* the SCMI instance is gone (it sent its last messages) before ... */
	vscmi_attach_remove(vd);
	/*
	 * ... the queues are broken: vq callbacks that race with the teardown
	 * then return at once instead of contending for the channel locks.
	 */
	virtio_break_device(vdev);
	vscmi_queues_down(vd);
	vscmi_free(vd);
	vdev->priv = NULL;
	mutex_lock(&vscmi_slot_lock);
	vscmi_slot = NULL;
	mutex_unlock(&vscmi_slot_lock);
}

static int vscmi_validate(struct virtio_device *vdev)
{
	if (!virtio_has_feature(vdev, VIRTIO_F_VERSION_1)) {
		dev_err(&vdev->dev,
			"legacy virtio device refused: SCMI needs VIRTIO_F_VERSION_1\n");
		return -ENODEV;
	}
	/*
	 * Every command is exactly two ring descriptors (request, reply
	 * area), as the strictest devices expect, and queuing one must not
	 * allocate: refuse indirect descriptor tables.  The pool is sized
	 * for two descriptors per command anyway.
	 */
	__virtio_clear_bit(vdev, VIRTIO_RING_F_INDIRECT_DESC);
	return 0;
}

static int vscmi_freeze(struct virtio_device *vdev)
{
	struct vscmi_device *vd = vdev->priv;

	vscmi_chan_stop(&vd->cmd);
	if (!vscmi_chan_wait_idle(&vd->cmd, VSCMI_FREEZE_WAIT_MS))
		dev_warn(vd->dev,
			 "commands still unanswered at freeze: failing them\n");
	vscmi_queues_down(vd);
	return 0;
}

static int vscmi_restore(struct virtio_device *vdev)
{
	struct virtqueue *vqs[VIRTIO_SCMI_VQ_MAX_CNT];
	struct vscmi_device *vd = vdev->priv;
	unsigned int delay_ms;
	int ret;

	ret = vscmi_find_vqs(vd, vqs);
	if (ret)
		return ret;
	vscmi_queues_start(vd, vqs);
	/*
	 * Test hook: widen the window between the new queues and DRIVER_OK,
	 * in which the SCMI instance (never frozen) may send: the channel
	 * must refuse, not queue and notify (faults test restore-before-ready).
	 */
	delay_ms = atomic_xchg(&vd->stats.inject_restore_delay_ms, 0);
	if (delay_ms) {
		dev_info(vd->dev, "test hook: restore waits %u ms before DRIVER_OK\n",
			 delay_ms);
		msleep(delay_ms);
	}
	vscmi_queues_ready(vd);
	return 0;
}

/*
 * System sleep.  The virtio transport below calls vscmi_freeze() and
 * vscmi_restore() from its own callbacks: for hibernation always, for
 * suspend unless the device keeps its state in D3hot (a PCI device with
 * No_Soft_Reset, e.g. QEMU's x-pcie-pm-no-soft-reset=on), in which case the
 * device stays up through the suspend.  The SCMI consumers switch their
 * clocks and power domains off after that, in their late and noirq
 * callbacks (genpd powers domains off in the noirq phase), and on again
 * in the noirq and early phases of resume, before this device's resume:
 * with device interrupts suspended in the noirq phases no completion
 * interrupt comes, so from this device's own suspend callback (in the
 * normal phase, before those of its parents) to its resume callback the
 * sender of a command polls the queue for the reply itself.
 */
static int vscmi_sleep_enter(struct device *dev)
{
	struct vscmi_device *vd = dev_to_virtio(dev)->priv;

	WRITE_ONCE(vd->in_sleep, true);
	return 0;
}

static int vscmi_sleep_leave(struct device *dev)
{
	struct vscmi_device *vd = dev_to_virtio(dev)->priv;

	WRITE_ONCE(vd->in_sleep, false);
	return 0;
}

/**
 * vscmi_sleep_poll() - during a system sleep transition, wait for a reply
 *	by polling
 * @cmd: the command channel
 * @msg: the command just sent (not polled by the SCMI core)
 *
 * Outside a transition, returns at once.  Within one, reaps the queue
 * until the reply is delivered (the SCMI core's completion done) or the
 * reply timeout passed; the core's wait that follows then returns at once
 * or times out as usual.
 *
 * Context: process, may sleep (a sender that is not polled by the SCMI
 * core sleeps for its reply; the noirq phases run callbacks in process
 * context, with device interrupts suspended but timers working).
 * Return: true if the device is in a system sleep transition.
 */
bool vscmi_sleep_poll(struct vscmi_chan *cmd, struct vscmi_msg *msg)
{
	struct vscmi_device *vd = container_of(cmd, struct vscmi_device, cmd);
	u64 stop;

	if (!READ_ONCE(vd->in_sleep))
		return false;
	stop = ktime_get_ns() + (u64)vd->timeout_ms * NSEC_PER_MSEC;
	while (!vscmi_chan_poll(cmd, msg)) {
		if (ktime_get_ns() > stop) {
			atomic64_inc(&vd->stats.sleep_poll_timeouts);
			return true;
		}
		usleep_range(VSCMI_SLEEP_POLL_US, 2 * VSCMI_SLEEP_POLL_US);
	}
	atomic64_inc(&vd->stats.sleep_polled);
	return true;
}

/*
 * A device left running through a suspend (No_Soft_Reset) still goes to
 * D3hot after the noirq phase's own callbacks, its parent's; a PCI function
 * in D3hot decodes no BAR, so a command's notification sent then is lost
 * and the command never answered.  From this device's suspend_noirq
 * callback (after those of the consumers that come later in the device
 * order, genpd's included) to its resume_noirq callback (after its
 * parent's, back in D0) new commands are refused at once, as when frozen.
 * A channel vscmi_freeze() stopped is left alone.
 */
static int vscmi_noirq_stop(struct device *dev)
{
	struct vscmi_device *vd = dev_to_virtio(dev)->priv;

	vd->noirq_stopped = READ_ONCE(vd->cmd.ready);
	if (vd->noirq_stopped)
		vscmi_chan_stop(&vd->cmd);
	return 0;
}

static int vscmi_noirq_start(struct device *dev)
{
	struct vscmi_device *vd = dev_to_virtio(dev)->priv;

	/*
	 * The device kept its state and its virtqueue (it was not reset):
	 * the channel only accepts commands again, and the delayed responses
	 * it awaits still count.
	 */
	if (vd->noirq_stopped)
		vscmi_chan_ready(&vd->cmd);
	vd->noirq_stopped = false;
	return 0;
}

static const struct dev_pm_ops vscmi_pm_ops = {
	.suspend_noirq = vscmi_noirq_stop,
	.resume_noirq = vscmi_noirq_start,
	.suspend = vscmi_sleep_enter,
	.resume = vscmi_sleep_leave,
	.freeze = vscmi_sleep_enter,
	.thaw = vscmi_sleep_leave,
	.poweroff = vscmi_sleep_enter,
	.restore = vscmi_sleep_leave,
};

static unsigned int vscmi_features[] = {
	VIRTIO_SCMI_F_P2A_CHANNELS,
};

static const struct virtio_device_id vscmi_id_table[] = {
	{ VIRTIO_ID_SCMI, VIRTIO_DEV_ANY_ID },
	{ 0 },
};
MODULE_DEVICE_TABLE(virtio, vscmi_id_table);

static struct virtio_driver vscmi_driver = {
	.driver.name = VSCMI_DRV_NAME,
	.driver.pm = pm_sleep_ptr(&vscmi_pm_ops),
	.feature_table = vscmi_features,
	.feature_table_size = ARRAY_SIZE(vscmi_features),
	.id_table = vscmi_id_table,
	.validate = vscmi_validate,
	.probe = vscmi_probe,
	.remove = vscmi_remove,
	.freeze = pm_sleep_ptr(vscmi_freeze),
	.restore = pm_sleep_ptr(vscmi_restore),
};

static int __init vscmi_init(void)
{
	int ret;

	if (IS_ENABLED(CONFIG_PREEMPT_RT) && atomic) {
		pr_err(VSCMI_DRV_NAME ": atomic=1 refused: atomic SCMI transfers cannot be served on PREEMPT_RT (the SCMI core and this transport take sleeping locks)\n");
		return -EINVAL;
	}
	vscmi_debugfs_init();
	ret = register_virtio_driver(&vscmi_driver);
	if (ret)
		vscmi_debugfs_exit();
	return ret;
}
module_init(vscmi_init);

static void __exit vscmi_exit(void)
{
	unregister_virtio_driver(&vscmi_driver);
	vscmi_debugfs_exit();
}
module_exit(vscmi_exit);

MODULE_DESCRIPTION("SCMI transport over virtio for the built-in arm_scmi core");
MODULE_LICENSE("GPL");
