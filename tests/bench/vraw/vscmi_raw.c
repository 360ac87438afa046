// SPDX-License-Identifier: GPL-2.0
/*
 * vscmi_raw: the floor of an SCMI-over-virtio round trip, for the benchmark.
 *
 * A minimal virtio driver for the SCMI device (ID 32) without the SCMI core
 * and without a transport: it negotiates nothing beyond what the virtio
 * core keeps (VERSION_1, EVENT_IDX), sets up the cmdq alone and bounces one
 * CLOCK_RATE_GET (clock 0) at a time through it: one device-readable and one
 * device-writable descriptor, one kick, one used-buffer interrupt, a
 * completion.  What the transport and the SCMI core add on top of this is
 * their cost.  Test code, never shipped.
 *
 * debugfs /sys/kernel/debug/vscmi_raw/: write "COUNT [spin]" (COUNT
 * 1..1000000) to "run": the caller sleeps until the interrupt completes it,
 * or with "spin" busy-waits for it (interrupts on, so the CPU never idles).
 * "results" then holds "# bench KIND op=clock_rate_get n=... p50_ns=..."
 * and "# hist KIND clock_rate_get LO:COUNT ..." lines in the exerciser's
 * format (KIND raw or raw_spin), then "ok bench/KIND" or "not ok ...".
 */

#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/vmalloc.h>

#define VR_VIRTIO_ID_SCMI	32
#define VR_MAX_COUNT		1000000
#define VR_RESP_SIZE		136	/* header, status, 128 bytes */
#define VR_RES_SIZE		4096
#define VR_CLOCK_PROTO		0x14
#define VR_CLOCK_RATE_GET	0x6

/**
 * struct vr_dev - the one device this module drives
 * @vdev: virtio device
 * @vq: its cmdq
 * @done: completed by the vq callback for each used buffer
 * @lock: serialises runs (one command in flight at a time)
 * @req: request buffer (8 bytes: header, clock id)
 * @resp: reply buffer
 * @res: text of the last run's results
 * @res_len: its length
 */
struct vr_dev {
	struct virtio_device *vdev;
	struct virtqueue *vq;
	struct completion done;
	struct mutex lock;
	u8 *req;
	u8 *resp;
	char *res;
	size_t res_len;
};

static struct vr_dev *vr;
static DEFINE_MUTEX(vr_global);
static struct dentry *vr_dir;

static void vr_cb(struct virtqueue *vq)
{
	struct vr_dev *d = vq->vdev->priv;
	unsigned int len;

	while (virtqueue_get_buf(vq, &len))
		complete(&d->done);
}

static int vr_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static unsigned int vr_bucket(u64 ns)
{
	unsigned int e;

	if (ns < 16)
		return ns;
	e = ilog2(ns);
	return e * 8 + ((ns >> (e - 3)) & 7);
}

static u64 vr_bucket_lo(unsigned int b)
{
	if (b < 16)
		return b;
	return (u64)(8 | (b & 7)) << (b / 8 - 3);
}

__printf(2, 3) static void vr_out(struct vr_dev *d, const char *fmt, ...)
{
	va_list ap;

	if (d->res_len >= VR_RES_SIZE - 1)
		return;
	va_start(ap, fmt);
	d->res_len += vscnprintf(d->res + d->res_len,
				 VR_RES_SIZE - d->res_len, fmt, ap);
	va_end(ap);
}

/* One CLOCK_RATE_GET round trip; returns 0 or a negative error. */
static int vr_one(struct vr_dev *d, unsigned int i, bool spin)
{
	u64 end;
	struct scatterlist out, in, *sgs[] = { &out, &in };
	u32 hdr = VR_CLOCK_RATE_GET | (VR_CLOCK_PROTO << 10) |
		  ((i & 0x3ff) << 18);
	int ret;

	put_unaligned_le32(hdr, d->req);
	put_unaligned_le32(0, d->req + 4);
	sg_init_one(&out, d->req, 8);
	sg_init_one(&in, d->resp, VR_RESP_SIZE);
	reinit_completion(&d->done);
	ret = virtqueue_add_sgs(d->vq, sgs, 1, 1, d, GFP_KERNEL);
	if (ret)
		return ret;
	virtqueue_kick(d->vq);
	if (spin) {
		end = ktime_get_ns() + 5 * NSEC_PER_SEC;
		while (!completion_done(&d->done) && ktime_get_ns() < end)
			cpu_relax();
	}
	if (!wait_for_completion_timeout(&d->done, msecs_to_jiffies(5000)))
		return -ETIMEDOUT;
	if (get_unaligned_le32(d->resp) != hdr || get_unaligned_le32(d->resp + 4))
		return -EPROTO;
	return 0;
}

static int vr_run(struct vr_dev *d, unsigned int count, bool spin)
{
	const char *kind = spin ? "raw_spin" : "raw";
	unsigned long errors = 0;
	size_t n = 0, i, j;
	u64 *s, t0, sum = 0;
	unsigned int k, b;
	int ret = 0;

	s = vmalloc_array(count, sizeof(*s));
	if (!s)
		return -ENOMEM;
	d->res_len = 0;
	for (k = 0; k < count; k++) {
		t0 = ktime_get_ns();
		ret = vr_one(d, k, spin);
		if (ret == -ETIMEDOUT)
			break;	/* the buffer is still the device's */
		if (ret) {
			errors++;
			continue;
		}
		s[n++] = ktime_get_ns() - t0;
		if (!(k & 255))
			cond_resched();
	}
	if (!n) {
		vr_out(d, "# bench %s op=clock_rate_get n=0 errors=%lu\n",
		       kind, errors);
		vr_out(d, "not ok bench/%s: no round trip (last error %d)\n",
		       kind, ret);
		goto out;
	}
	sort(s, n, sizeof(*s), vr_cmp, NULL);
	for (i = 0; i < n; i++)
		sum += s[i];
#define P(q) s[min_t(size_t, n - 1, (n * (q)) / 1000)]
	vr_out(d, "# bench %s op=clock_rate_get n=%zu errors=%lu min_ns=%llu p50_ns=%llu p90_ns=%llu p99_ns=%llu p999_ns=%llu max_ns=%llu mean_ns=%llu\n",
	       kind, n, errors, s[0], P(500), P(900), P(990), P(999), s[n - 1],
	       sum / n);
#undef P
	vr_out(d, "# hist %s clock_rate_get", kind);
	for (i = 0; i < n; i = j) {
		b = vr_bucket(s[i]);
		for (j = i; j < n && vr_bucket(s[j]) == b; j++)
			;
		vr_out(d, " %llu:%zu", vr_bucket_lo(b), j - i);
	}
	vr_out(d, "\n");
	if (errors || ret == -ETIMEDOUT)
		vr_out(d, "not ok bench/%s: %lu errors, last %d\n", kind,
		       errors, ret);
	else
		vr_out(d, "ok bench/%s\n", kind);
out:
	vfree(s);
	return ret == -ETIMEDOUT ? ret : 0;
}

static ssize_t vr_run_write(struct file *f, const char __user *ubuf,
			    size_t len, loff_t *ppos)
{
	unsigned int count;
	char buf[32], *sp;
	bool spin = false;
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	sp = strchr(buf, ' ');
	if (sp) {
		*sp++ = '\0';
		if (strcmp(strim(sp), "spin"))
			return -EINVAL;
		spin = true;
	}
	ret = kstrtouint(strim(buf), 0, &count);
	if (ret)
		return ret;
	if (!count || count > VR_MAX_COUNT)
		return -EINVAL;
	mutex_lock(&vr_global);
	if (!vr) {
		ret = -ENODEV;
	} else {
		mutex_lock(&vr->lock);
		ret = vr_run(vr, count, spin);
		mutex_unlock(&vr->lock);
	}
	mutex_unlock(&vr_global);
	return ret ? ret : len;
}

static ssize_t vr_results_read(struct file *f, char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	ssize_t ret = 0;

	mutex_lock(&vr_global);
	if (vr)
		ret = simple_read_from_buffer(ubuf, len, ppos, vr->res,
					      vr->res_len);
	mutex_unlock(&vr_global);
	return ret;
}

static const struct file_operations vr_run_fops = {
	.owner = THIS_MODULE,
	.write = vr_run_write,
};

static const struct file_operations vr_results_fops = {
	.owner = THIS_MODULE,
	.read = vr_results_read,
};

static int vr_probe(struct virtio_device *vdev)
{
	struct vr_dev *d;
	int ret = -ENOMEM;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	d->req = kzalloc(8, GFP_KERNEL);
	d->resp = kzalloc(VR_RESP_SIZE, GFP_KERNEL);
	d->res = kzalloc(VR_RES_SIZE, GFP_KERNEL);
	if (!d->req || !d->resp || !d->res)
		goto err_free;
	init_completion(&d->done);
	mutex_init(&d->lock);
	d->vdev = vdev;
	vdev->priv = d;
	d->vq = virtio_find_single_vq(vdev, vr_cb, "cmdq");
	if (IS_ERR(d->vq)) {
		ret = PTR_ERR(d->vq);
		goto err_free;
	}
	virtio_device_ready(vdev);
	mutex_lock(&vr_global);
	if (vr) {
		mutex_unlock(&vr_global);
		ret = -EBUSY;
		goto err_reset;
	}
	vr = d;
	mutex_unlock(&vr_global);
	return 0;

err_reset:
	virtio_reset_device(vdev);
	vdev->config->del_vqs(vdev);
err_free:
	kfree(d->res);
	kfree(d->resp);
	kfree(d->req);
	kfree(d);
	return ret;
}

static void vr_remove(struct virtio_device *vdev)
{
	struct vr_dev *d = vdev->priv;

	mutex_lock(&vr_global);
	if (vr == d)
		vr = NULL;
	mutex_unlock(&vr_global);
	virtio_reset_device(vdev);
	vdev->config->del_vqs(vdev);
	kfree(d->res);
	kfree(d->resp);
	kfree(d->req);
	kfree(d);
}

static const struct virtio_device_id vr_ids[] = {
	{ VR_VIRTIO_ID_SCMI, VIRTIO_DEV_ANY_ID },
	{ 0 },
};

static struct virtio_driver vr_driver = {
	.driver.name = "vscmi_raw",
	.id_table = vr_ids,
	.probe = vr_probe,
	.remove = vr_remove,
};

static int __init vr_init(void)
{
	int ret;

	vr_dir = debugfs_create_dir("vscmi_raw", NULL);
	debugfs_create_file("run", 0200, vr_dir, NULL, &vr_run_fops);
	debugfs_create_file("results", 0400, vr_dir, NULL, &vr_results_fops);
	ret = register_virtio_driver(&vr_driver);
	if (ret)
		debugfs_remove_recursive(vr_dir);
	return ret;
}

static void __exit vr_exit(void)
{
	unregister_virtio_driver(&vr_driver);
	debugfs_remove_recursive(vr_dir);
}

module_init(vr_init);
module_exit(vr_exit);
MODULE_DESCRIPTION("virtio SCMI raw cmdq round trip (benchmark floor, test code)");
MODULE_LICENSE("GPL");
