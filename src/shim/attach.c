// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_scmi: attachment to the built-in arm_scmi core.
 *
 * The one file that knows the core's private structures (declared per ABI
 * revision in abi-*.h, selected by abi.h).  It
 *
 *  - creates the "arm-scmi" platform device the core's driver binds to, with
 *    struct scmi_transport as platform data and the DT node compatible with
 *    "arm,scmi-virtio" as its of_node;
 *  - implements struct scmi_transport_ops on top of the channel API of
 *    vscmi.h, translating between struct scmi_xfer and SCMI SDUs.
 *
 * Device model.  The "arm-scmi" device is created directly from the virtio
 * probe, once the queues are live and DRIVER_OK is set, rather than from a
 * platform driver bound to the DT node that waits for the virtio side: the
 * node is used only as the of_node the core reads its protocol children
 * from (shared with the device the OF core populated for the node, hence
 * marked as reused).  This avoids any deferral or hand-over state machine,
 * and a single owner (the virtio device) decides the lifetime.  The virtio
 * device is both the parent of "arm-scmi" and the supplier the core links
 * to, so unbinding the virtio device (driver unbind, rmmod, hot-unplug)
 * first unbinds the core through the device link, then our remove
 * unregisters "arm-scmi"; unbinding the core alone (sysfs) releases the
 * channels through chan_free and a later rebind sets them up again.
 *
 * Channels.  The virtio device has one command queue and at most one event
 * queue, so only the top-level node (BASE protocol) gets channels; protocol
 * child nodes share them (chan_available returns false).  chan_free is
 * called once per idr slot sharing a channel and is idempotent.
 *
 * Ordering notes.  Cores before 6.12.110 (and mainline before 7.3) set
 * cinfo->handle only after chan_setup returns; nothing is delivered to a
 * channel whose handle is not yet set.  6.12 and 6.13 cores keep a pointer
 * to the descriptor and write DT overrides into it, so each instance keeps a
 * writable copy here; 6.14+ copy it into the platform data.
 */

#include <linux/device.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/of_platform.h>
#include <linux/platform_device.h>
#include <linux/scmi_protocol.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "abi.h"
#include "../vscmi.h"

#define VSCMI_COMPATIBLE	"arm,scmi-virtio"

/**
 * struct vscmi_attach - one SCMI instance on top of a vscmi_device
 * @vd: the transport device
 * @np: the "arm,scmi-virtio" DT node (referenced)
 * @pdev: the "arm-scmi" platform device
 * @core_ops: the core's operations, stored by the core at probe
 * @desc: the transport description; the core of revisions 612/613 keeps a
 *	  pointer to it and writes DT overrides into it
 * @nb: platform bus notifier: the core's probe of @pdev failed
 */
struct vscmi_attach {
	struct vscmi_device *vd;
	struct device_node *np;
	struct platform_device *pdev;
	struct scmi_transport_core_operations *core_ops;
	struct scmi_desc desc;
	struct notifier_block nb;
};

/*
 * The single instance, for chan_available(), which gets no device; set
 * before the "arm-scmi" device is added and cleared after it is gone.
 */
static struct vscmi_attach *vscmi_inst;

static struct vscmi_attach *vscmi_get_inst(void)
{
	return READ_ONCE(vscmi_inst);
}

static bool vscmi_chan_available(struct device_node *of_node, int idx)
{
	struct vscmi_attach *at = vscmi_get_inst();

	if (!at || of_node != at->np)
		return false;
	return idx == 0 || (idx == 1 && at->vd->has_evt);
}

/* Runs without locks, from the vq callback, a poller or process context */
static void vscmi_deliver(void *ctx, struct vscmi_chan *ch, u32 hdr,
			  struct vscmi_msg *msg)
{
	struct scmi_chan_info *cinfo = ctx;
	struct vscmi_attach *at = vscmi_get_inst();
	struct scmi_transport_core_operations *core;

	if (!at || !READ_ONCE(cinfo->handle)) {
		atomic64_inc(&ch->stats->no_chan);
		return;
	}
	core = READ_ONCE(at->core_ops);
	core->rx_callback(cinfo, hdr, msg);
}

static int vscmi_chan_setup(struct scmi_chan_info *cinfo, struct device *dev,
			    bool tx)
{
	struct vscmi_attach *at = vscmi_get_inst();
	struct vscmi_chan *ch;

	if (!at)
		return -ENODEV;
	if (!tx && !at->vd->has_evt)
		return -ENODEV;
#if VSCMI_CINFO_HAS_MAX_MSG_SIZE
	if (cinfo->max_msg_size > at->vd->max_payload) {
		dev_err(dev,
			"arm,max-msg-size %u exceeds the virtio buffers (%u bytes): load virtio_scmi with max_msg_size=%u\n",
			cinfo->max_msg_size, at->vd->max_payload,
			cinfo->max_msg_size);
		return -EINVAL;
	}
#endif
	ch = tx ? &at->vd->cmd : &at->vd->evt;
	cinfo->transport_info = ch;
	vscmi_chan_attach(ch, cinfo, vscmi_deliver);
	return 0;
}

static int vscmi_chan_free(int id, void *p, void *data)
{
	struct scmi_chan_info *cinfo = p;
	struct vscmi_chan *ch = cinfo->transport_info;

	if (ch) {
		vscmi_chan_detach(ch, cinfo);
		cinfo->transport_info = NULL;
	}
	return 0;
}

/*
 * The core's probe of our "arm-scmi" device failed.  Cores before the 6.12.y
 * fix "Clean up channels on setup failure" (6.12.95, for instance) do not
 * call chan_free for the channels they set up before the failure, and free
 * their scmi_chan_info (device-managed) right after: the channels would
 * keep delivering to freed memory.  The driver core sends
 * BUS_NOTIFY_DRIVER_NOT_BOUND before it releases the device's managed
 * resources, so detaching here (which waits for running deliveries) leaves
 * no pointer to them.  On fixed cores chan_free has already detached: then
 * this does nothing.
 */
static int vscmi_bus_notify(struct notifier_block *nb, unsigned long action,
			    void *data)
{
	struct vscmi_attach *at = container_of(nb, struct vscmi_attach, nb);
	struct device *dev = data;

	if (action != BUS_NOTIFY_DRIVER_NOT_BOUND || !at->pdev ||
	    dev != &at->pdev->dev)
		return NOTIFY_DONE;
	vscmi_chan_detach(&at->vd->cmd, NULL);
	if (at->vd->has_evt)
		vscmi_chan_detach(&at->vd->evt, NULL);
	return NOTIFY_OK;
}

/*
 * The core's pool of command transfers: one more than the commands the
 * device may hold.  The core's reply path keeps its reference on a
 * transfer until after it has woken the caller, so a caller that sends
 * again at once on another CPU finds the transfer not yet back in the
 * pool (-ENOMEM with max_msg=1, seen on 6.12-rt); the spare transfer
 * covers that, and our own pool still bounds what is in flight (a send
 * beyond it waits for a buffer being handed back, or fails).  At most
 * the 10-bit token space, which the core checks.
 */
static unsigned int vscmi_core_xfers(struct vscmi_device *vd)
{
	return min_t(unsigned int, vd->cmd_max + 1, VSCMI_TOKENS);
}

static unsigned int vscmi_get_max_msg(struct scmi_chan_info *base_cinfo)
{
	struct vscmi_attach *at = vscmi_get_inst();

	if (!at)
		return 0;
	if (base_cinfo->transport_info == &at->vd->evt)
		return at->vd->evt_max;
	return vscmi_core_xfers(at->vd);
}

static int vscmi_send_message(struct scmi_chan_info *cinfo,
			      struct scmi_xfer *xfer)
{
	struct vscmi_chan *ch = cinfo->transport_info;
	struct vscmi_hdr h = {
		.id = xfer->hdr.id,
		.type = VSCMI_TYPE_COMMAND,
		.protocol_id = xfer->hdr.protocol_id,
		.token = xfer->hdr.seq,
	};
	unsigned int flags = 0;
	struct vscmi_msg *msg;
	int ret;

	if (!ch)
		return -ENODEV;
	/*
	 * The core sleeps for a reply it does not poll (and sends it from
	 * a context that may): such a send may wait for a buffer.
	 */
	if (xfer->hdr.poll_completion)
		flags |= VSCMI_SEND_POLLED;
	else
		flags |= VSCMI_SEND_MAY_SLEEP;
	/* do_xfer_with_response() sets it before sending, clears it after */
	if (READ_ONCE(xfer->async_done))
		flags |= VSCMI_SEND_ASYNC;
	/*
	 * A polled reply is fetched by the core through xfer->priv: it is
	 * published before the device can see the command, so that neither
	 * the core's first poll_done() nor a delayed response that overtakes
	 * the reply on another CPU (the core stores its own buffer in
	 * xfer->priv then) can meet a stale value or have theirs overwritten.
	 */
	ret = vscmi_chan_send(ch, vscmi_hdr_pack(&h), xfer->tx.buf,
			      xfer->tx.len, xfer, flags, &msg,
			      xfer->hdr.poll_completion ? &xfer->priv : NULL);
	if (ret)
		return ret;
	if (!xfer->hdr.poll_completion && !vscmi_sleep_poll(ch, msg))
		vscmi_chan_spin(ch, msg);	/* the core sleeps next */
	return 0;
}

static void vscmi_mark_txdone(struct scmi_chan_info *cinfo, int ret,
			      struct scmi_xfer *xfer)
{
	struct vscmi_chan *ch = cinfo->transport_info;

	if (ch)
		vscmi_chan_release(ch, xfer->hdr.seq, xfer, ret == -ETIMEDOUT);
}

static void vscmi_fetch_response(struct scmi_chan_info *cinfo,
				 struct scmi_xfer *xfer)
{
	struct vscmi_msg *msg = READ_ONCE(xfer->priv);
	const void *payload = NULL;
	size_t len = 0;
	s32 status = VSCMI_STATUS_COMMS_ERROR;

	if (msg)
		vscmi_msg_reply(msg, &status, &payload, &len);
	xfer->hdr.status = status;
	xfer->rx.len = min(xfer->rx.len, len);
	if (xfer->rx.len)
		memcpy(xfer->rx.buf, payload, xfer->rx.len);
}

static void vscmi_fetch_notification(struct scmi_chan_info *cinfo,
				     size_t max_len, struct scmi_xfer *xfer)
{
	struct vscmi_msg *msg = READ_ONCE(xfer->priv);
	const void *payload;
	size_t len;
	u32 hdr;

	if (!msg || vscmi_msg_event(msg, &hdr, &payload, &len)) {
		xfer->rx.len = 0;
		return;
	}
	xfer->rx.len = min(max_len, len);
	if (xfer->rx.len)
		memcpy(xfer->rx.buf, payload, xfer->rx.len);
}

static bool vscmi_poll_done(struct scmi_chan_info *cinfo,
			    struct scmi_xfer *xfer)
{
	struct vscmi_chan *ch = cinfo->transport_info;
	struct vscmi_msg *msg;

	if (!ch)
		return true;
	msg = vscmi_chan_find(ch, xfer->hdr.seq, xfer);
	/* not bound any more: let the core fetch (COMMS_ERROR) and finish */
	if (!msg)
		return true;
	return vscmi_chan_poll(ch, msg);
}

static const struct scmi_transport_ops vscmi_ops = {
	.chan_available = vscmi_chan_available,
	.chan_setup = vscmi_chan_setup,
	.chan_free = vscmi_chan_free,
	.get_max_msg = vscmi_get_max_msg,
	.send_message = vscmi_send_message,
	.mark_txdone = vscmi_mark_txdone,
	.fetch_response = vscmi_fetch_response,
	.fetch_notification = vscmi_fetch_notification,
	.poll_done = vscmi_poll_done,
};

/**
 * vscmi_attach_name() - the arm_scmi core ABI revision this module targets
 *
 * Return: a human-readable revision name, e.g. "6.12".
 */
const char *vscmi_attach_name(void)
{
	return VSCMI_ABI_NAME;
}

/**
 * vscmi_attach_dresp_timeout_ms() - how long the core waits for a delayed
 *	response after its command's reply
 *
 * Return: the core's delayed-response timeout in milliseconds.
 */
unsigned int vscmi_attach_dresp_timeout_ms(void)
{
	return SCMI_MAX_RESPONSE_TIMEOUT;
}

/**
 * vscmi_attach_probe() - create the SCMI instance for a ready device
 * @vd: the device; its queues are live and it is DRIVER_OK
 *
 * Registers the "arm-scmi" platform device, which runs the whole core
 * probe (including the first message exchanges) before returning.  A core
 * probe failure is reported by the core and leaves the device unbound; it
 * is not an error here (the virtio device stays usable for a rebind).
 *
 * Return: 0, -ENODEV without an "arm,scmi-virtio" DT node, or -ENOMEM.
 */
int vscmi_attach_probe(struct vscmi_device *vd)
{
	struct scmi_desc desc = {
		.ops = &vscmi_ops,
		.max_rx_timeout_ms = vd->timeout_ms,
		.max_msg = vscmi_core_xfers(vd),
		.max_msg_size = vd->max_payload,
		.force_polling = vd->polling,
		.sync_cmds_completed_on_ret = false,
		.atomic_enabled = vd->atomic,
	};
	struct scmi_transport trans = {};
	struct platform_device *ofdev;
	struct vscmi_attach *at;
	struct device_node *np;
	int ret;

	np = of_find_compatible_node(NULL, NULL, VSCMI_COMPATIBLE);
	if (!np || !of_device_is_available(np)) {
		dev_err(vd->dev,
			"no enabled device-tree node compatible with \"arm,scmi-virtio\": the arm_scmi core needs one (with its protocol@NN children) to use this device\n");
		of_node_put(np);
		return -ENODEV;
	}

	ofdev = of_find_device_by_node(np);
	if (!ofdev) {
		dev_err(vd->dev, "%pOF has no platform device: is it below /firmware or the root?\n",
			np);
		of_node_put(np);
		return -ENODEV;
	}

	at = kzalloc(sizeof(*at), GFP_KERNEL);
	if (!at) {
		put_device(&ofdev->dev);
		of_node_put(np);
		return -ENOMEM;
	}
	at->vd = vd;
	at->np = np;
	/* struct scmi_desc has const members: copy, never assign */
	memcpy(&at->desc, &desc, sizeof(desc));

	trans.supplier = vd->dev;
	trans.core_ops = &at->core_ops;
#if VSCMI_TRANSPORT_EMBEDS_DESC
	memcpy(&trans.desc, &desc, sizeof(desc));
#else
	trans.desc = &at->desc;
#endif

	ret = -ENOMEM;
	at->pdev = platform_device_alloc("arm-scmi", PLATFORM_DEVID_AUTO);
	if (!at->pdev)
		goto err_free;
	at->pdev->dev.parent = vd->dev;
	/*
	 * Share the node with the device the OF core populated for it (takes
	 * a node reference, dropped by the platform device's release, and
	 * marks the node as reused).
	 */
	device_set_of_node_from_dev(&at->pdev->dev, &ofdev->dev);
	ret = platform_device_add_data(at->pdev, &trans, sizeof(trans));
	if (ret)
		goto err_put;

	at->nb.notifier_call = vscmi_bus_notify;
	ret = bus_register_notifier(&platform_bus_type, &at->nb);
	if (ret)
		goto err_put;
	vd->attach = at;
	WRITE_ONCE(vscmi_inst, at);
	ret = platform_device_add(at->pdev);
	if (ret) {
		dev_err(vd->dev, "cannot add the arm-scmi device: %d\n", ret);
		WRITE_ONCE(vscmi_inst, NULL);
		vd->attach = NULL;
		bus_unregister_notifier(&platform_bus_type, &at->nb);
		goto err_put;
	}
	put_device(&ofdev->dev);
	if (!READ_ONCE(at->pdev->dev.driver))
		dev_warn(vd->dev,
			 "the arm_scmi core did not bind to %s (see its messages); SCMI is not available\n",
			 dev_name(&at->pdev->dev));
	return 0;

err_put:
	platform_device_put(at->pdev);
err_free:
	put_device(&ofdev->dev);
	of_node_put(np);
	kfree(at);
	return ret;
}

/* Name prefix of the devices the core creates for its channels */
#define VSCMI_CORE_CHAN_DEV	"__scmi_transport_device"

/* device_for_each_child() callback: take the first protocol device */
static int vscmi_first_protocol_dev(struct device *dev, void *data)
{
	struct scmi_device **found = data;
	struct scmi_device *sdev;

	if (!dev->bus || strcmp(dev->bus->name, "scmi_protocol"))
		return 0;
	sdev = to_scmi_dev(dev);
	if (!sdev->name || !strncmp(sdev->name, VSCMI_CORE_CHAN_DEV,
				    strlen(VSCMI_CORE_CHAN_DEV)))
		return 0;
	get_device(dev);
	*found = sdev;
	return 1;
}

/*
 * The core creates one SCMI device per protocol and requesting driver under
 * the instance, but its remove destroys only its channel devices: the
 * protocol devices would outlive the instance (a leak per unbind, and the
 * single system power device slot stays taken, so a new instance gets no
 * system power device).  By the time the virtio remove runs, the device
 * links (protocol device -> "arm-scmi" -> virtio device) have unbound
 * their drivers and the core; destroy them before "arm-scmi" goes.
 */
static void vscmi_destroy_protocol_devs(struct device *parent)
{
	struct scmi_device *sdev;

	for (;;) {
		sdev = NULL;
		device_for_each_child(parent, &sdev, vscmi_first_protocol_dev);
		if (!sdev)
			break;
		scmi_device_destroy(parent, sdev->protocol_id, sdev->name);
		if (device_is_registered(&sdev->dev)) {
			/* not found by the core: do not loop on it */
			dev_err(parent, "SCMI device %s (protocol 0x%02x) not destroyed\n",
				dev_name(&sdev->dev), sdev->protocol_id);
			put_device(&sdev->dev);
			break;
		}
		put_device(&sdev->dev);
	}
}

/**
 * vscmi_attach_remove() - tear the SCMI instance down
 * @vd: the device; its queues are still live
 *
 * The instance's protocol devices go first, then unregistering "arm-scmi"
 * unbinds the core (if still bound), which frees its channels through
 * chan_free before this returns.
 */
void vscmi_attach_remove(struct vscmi_device *vd)
{
	struct vscmi_attach *at = vd->attach;

	if (!at)
		return;
	vscmi_destroy_protocol_devs(&at->pdev->dev);
	platform_device_unregister(at->pdev);
	bus_unregister_notifier(&platform_bus_type, &at->nb);
	WRITE_ONCE(vscmi_inst, NULL);
	vd->attach = NULL;
	of_node_put(at->np);
	kfree(at);
}
