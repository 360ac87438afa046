// SPDX-License-Identifier: GPL-2.0
/*
 * vscmi_canary - positive controls for the sanitizer kernel (test only).
 *
 * Loaded with leak=1 it allocates objects and forgets the pointers, which
 * kmemleak must report; with oob=1 it reads one byte past a small kmalloc()
 * buffer, which KASAN must report.  The sanitize suite loads it in a guest
 * of its own and checks that both reports reach the console, i.e. that a
 * real bug of the same kind in virtio_scmi could not pass unnoticed.  With
 * irqoff_lock=1 it takes a spinlock_t with hard interrupts disabled, which
 * on PREEMPT_RT (a sleeping lock there) DEBUG_ATOMIC_SLEEP must report.
 * With leak_kib=N it leaks N objects of 1 KiB at every load: the guest
 * suite loads it once per reload cycle after its leak check, to prove that
 * the check catches a leak of 1 KiB per reload.
 */
#include <linux/compiler.h>
#include <linux/irqflags.h>
#include <linux/kmemleak.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

static bool leak;
module_param(leak, bool, 0444);
MODULE_PARM_DESC(leak, "leak 16 objects (64 B to 8 KiB) at load");

static unsigned int leak_kib;
module_param(leak_kib, uint, 0444);
MODULE_PARM_DESC(leak_kib, "leak this many 1 KiB objects at load (reload slab check control)");

static bool oob;
module_param(oob, bool, 0444);
MODULE_PARM_DESC(oob, "read one byte past an 8-byte allocation at load");

static bool irqoff_lock;
module_param(irqoff_lock, bool, 0444);
MODULE_PARM_DESC(irqoff_lock, "take a spinlock_t with hard interrupts off at load");

static DEFINE_SPINLOCK(vscmi_canary_lock);

/*
 * Sizes of the leaked objects: several size classes, a few of each, so
 * that one stale copy of an address (in a dead stack slot, or in a slab's
 * per-CPU sheaf on kernels that keep them: tests/sanitize/kernel.sh) cannot
 * hide the whole control.  The sanitize suite needs one of them reported.
 */
static const size_t vscmi_canary_sizes[] = { 64, 192, 1024, 8192 };
#define VSCMI_CANARY_PER_SIZE 4

static noinline void vscmi_canary_leak(void)
{
	unsigned int i, n;
	char *p;

	for (i = 0; i < ARRAY_SIZE(vscmi_canary_sizes); i++) {
		for (n = 0; n < VSCMI_CANARY_PER_SIZE; n++) {
			p = kmalloc(vscmi_canary_sizes[i], GFP_KERNEL);
			if (!p)
				return;
			memset(p, 0x5a, vscmi_canary_sizes[i]);
			/*
			 * Make the allocation look used to the compiler, or
			 * it may drop the kmalloc() and memset() of an object
			 * nobody reads; then the pointer is dropped on
			 * purpose.
			 */
			OPTIMIZER_HIDE_VAR(p);
		}
	}
	pr_info("vscmi_canary: leaked %zu objects\n",
		ARRAY_SIZE(vscmi_canary_sizes) * VSCMI_CANARY_PER_SIZE);
}

/*
 * The guest suite's control for its reload leak check: loaded once per
 * reload cycle with leak_kib=1, it loses 1 KiB a cycle, the smallest leak
 * that check must catch (tests/exerciser/guest-test.sh, stale_check).
 * These objects are for the slab check only: kmemleak is told to ignore
 * them, or on a kmemleak kernel each would also fail the boot's dmesg
 * check (the leak=1 objects are the ones kmemleak must report).
 */
static noinline void vscmi_canary_leak_kib(void)
{
	unsigned int n;
	char *p;

	for (n = 0; n < leak_kib; n++) {
		p = kmalloc(1024, GFP_KERNEL);
		if (!p)
			return;
		memset(p, 0x5a, 1024);
		kmemleak_ignore(p);
		OPTIMIZER_HIDE_VAR(p);
	}
}

static noinline void vscmi_canary_oob(void)
{
	char *p = kmalloc(8, GFP_KERNEL);
	size_t end = 8;

	if (!p)
		return;
	/* Keep the compiler from seeing (and rejecting) the bad index. */
	OPTIMIZER_HIDE_VAR(end);
	pr_info("vscmi_canary: reading past the end: %d\n", READ_ONCE(p[end]));
	kfree(p);
}

/* What vscmi_chan_vq_done() once did: invalid on PREEMPT_RT. */
static noinline void vscmi_canary_irqoff_lock(void)
{
	unsigned long flags;

	local_irq_save(flags);
	spin_lock(&vscmi_canary_lock);
	spin_unlock(&vscmi_canary_lock);
	local_irq_restore(flags);
	pr_info("vscmi_canary: took a spinlock_t with interrupts off\n");
}

static int __init vscmi_canary_init(void)
{
	if (leak)
		vscmi_canary_leak();
	if (leak_kib)
		vscmi_canary_leak_kib();
	if (oob)
		vscmi_canary_oob();
	if (irqoff_lock)
		vscmi_canary_irqoff_lock();
	return 0;
}
module_init(vscmi_canary_init);

static void __exit vscmi_canary_exit(void)
{
}
module_exit(vscmi_canary_exit);

MODULE_DESCRIPTION("Positive controls for the virtio-scmi sanitizer kernel (test only)");
MODULE_LICENSE("GPL");
