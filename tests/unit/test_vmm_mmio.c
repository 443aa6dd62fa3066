/* The MMIO bus and the guest-protocol devices, as the guest SDK's examples
 * use them (include/ccakit/guest.h, guest/README.md). */
#include "harness.h"

#include <errno.h>
#include <string.h>

#include "ccakit/guest.h"
#include "vmm/mmio.h"

static uint64_t last_offset;
static unsigned last_size;

static uint64_t echo_read(void *ctx, uint64_t offset, unsigned size)
{
	(void)ctx;
	last_offset = offset;
	last_size = size;
	return UINT64_C(0x8877665544332211);
}

static void devices_may_not_overlap_or_be_empty(void **state)
{
	(void)state;
	struct vmm_mmio_bus bus;
	vmm_mmio_init(&bus);
	struct vmm_mmio_device a = { .name = "a", .base = 0x1000, .size = 0x1000, .read = echo_read };
	assert_int_equal(vmm_mmio_add(&bus, &a), 0);
	struct vmm_mmio_device b = a;
	b.base = 0x1800;
	assert_int_equal(vmm_mmio_add(&bus, &b), -EEXIST);
	b.base = 0x2000; /* adjacent is fine */
	assert_int_equal(vmm_mmio_add(&bus, &b), 0);
	b.base = 0x4000;
	b.size = 0;
	assert_int_equal(vmm_mmio_add(&bus, &b), -EINVAL);
	b.base = UINT64_MAX - 0xfff;
	b.size = 0x2000;
	assert_int_equal(vmm_mmio_add(&bus, &b), -EINVAL);
	for (unsigned i = bus.count; i < VMM_MMIO_MAX_DEVICES; i++) {
		b.base = 0x10000 * (i + 1);
		b.size = 0x1000;
		assert_int_equal(vmm_mmio_add(&bus, &b), 0);
	}
	b.base = 0x10000000;
	assert_int_equal(vmm_mmio_add(&bus, &b), -ENOSPC);
}

static void accesses_reach_the_device_at_its_offset_with_their_size(void **state)
{
	(void)state;
	struct vmm_mmio_bus bus;
	uint64_t v;
	vmm_mmio_init(&bus);
	struct vmm_mmio_device a = { .name = "a", .base = 0x1000, .size = 0x100, .read = echo_read };
	assert_int_equal(vmm_mmio_add(&bus, &a), 0);
	assert_true(vmm_mmio_read(&bus, 0x1010, 4, &v));
	assert_int_equal(last_offset, 0x10);
	assert_int_equal(last_size, 4);
	assert_int_equal(v, 0x44332211); /* masked to the access size */
	assert_true(vmm_mmio_read(&bus, 0x10f8, 8, &v));
	assert_int_equal(v, 0x8877665544332211);
	/* Crossing the device's end, a bad size, nothing there, no write
	 * handler: not claimed, and counted. */
	assert_false(vmm_mmio_read(&bus, 0x10fc, 8, &v));
	assert_false(vmm_mmio_read(&bus, 0x1000, 3, &v));
	assert_false(vmm_mmio_read(&bus, 0x2000, 4, &v));
	assert_int_equal(v, 0);
	assert_false(vmm_mmio_write(&bus, 0x1000, 4, 1));
	assert_int_equal(bus.unclaimed, 4);
}

static void exit_register_takes_one_32_bit_store(void **state)
{
	(void)state;
	struct vmm_mmio_bus bus;
	struct vmm_exit_reg reg;
	vmm_mmio_init(&bus);
	assert_int_equal(vmm_exit_reg_attach(&bus, &reg), 0);
	assert_true(vmm_mmio_write(&bus, GUEST_EXIT_MMIO_ADDR, 8, 5)); /* not an exit */
	assert_true(vmm_mmio_write(&bus, GUEST_EXIT_MMIO_ADDR + 4, 4, 5));
	assert_false(reg.exited);
	assert_true(vmm_mmio_write(&bus, GUEST_EXIT_MMIO_ADDR, 4, GUEST_EXIT_SKIPPED));
	assert_true(reg.exited);
	assert_int_equal(reg.status, GUEST_EXIT_SKIPPED);
	assert_true(vmm_mmio_write(&bus, GUEST_EXIT_MMIO_ADDR, 4, 0)); /* the first one stands */
	assert_int_equal(reg.status, GUEST_EXIT_SKIPPED);
}

static void test_device_answers_as_the_mmio_example_expects(void **state)
{
	(void)state;
	struct vmm_mmio_bus bus;
	struct vmm_testdev dev;
	uint64_t v;
	vmm_mmio_init(&bus);
	assert_int_equal(vmm_testdev_attach(&bus, &dev), 0);
	const uint64_t base = GUEST_TESTDEV_BASE;
	static const unsigned sizes[] = { 1, 2, 4, 8 };
	for (unsigned i = 0; i < 4; i++) {
		uint64_t mask = sizes[i] == 8 ? UINT64_MAX : (UINT64_C(1) << (8 * sizes[i])) - 1;
		assert_true(vmm_mmio_read(&bus, base + TESTDEV_ID, sizes[i], &v));
		assert_int_equal(v, TESTDEV_ID_VALUE & mask);
		assert_true(vmm_mmio_read(&bus, base + TESTDEV_MAGIC, sizes[i], &v));
		assert_int_equal(v, TESTDEV_MAGIC_VALUE & mask);
	}
	assert_true(vmm_mmio_write(&bus, base + TESTDEV_SCRATCH32, 4, 0xcafef00d));
	assert_true(vmm_mmio_read(&bus, base + TESTDEV_SCRATCH32, 4, &v));
	assert_int_equal(v, 0xcafef00d);
	assert_true(vmm_mmio_write(&bus, base + TESTDEV_SCRATCH64, 8, 0x1122334455667788));
	assert_true(vmm_mmio_read(&bus, base + TESTDEV_SCRATCH64, 8, &v));
	assert_int_equal(v, 0x1122334455667788);
	/* Read-only registers and writes at the wrong width are ignored. */
	assert_true(vmm_mmio_write(&bus, base + TESTDEV_ID, 4, 0));
	assert_true(vmm_mmio_write(&bus, base + TESTDEV_SCRATCH64, 4, 0));
	assert_true(vmm_mmio_read(&bus, base + TESTDEV_ID, 4, &v));
	assert_int_equal(v, TESTDEV_ID_VALUE);
	assert_true(vmm_mmio_read(&bus, base + TESTDEV_SCRATCH64, 8, &v));
	assert_int_equal(v, 0x1122334455667788);
	assert_int_equal(dev.ignored_writes, 2);
}

static void console_output_goes_through_the_bus(void **state)
{
	(void)state;
	struct vmm_mmio_bus bus;
	struct vmm_pl011 uart;
	size_t len;
	vmm_mmio_init(&bus);
	vmm_pl011_init(&uart, NULL);
	assert_int_equal(vmm_pl011_capture(&uart, 64), 0);
	assert_int_equal(vmm_pl011_attach(&bus, &uart, GUEST_UART_BASE), 0);
	for (const char *c = "hi\n"; *c; c++)
		assert_true(vmm_mmio_write(&bus, GUEST_UART_BASE, 4, (uint8_t)*c));
	const char *out = vmm_pl011_captured(&uart, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(out, "hi\n", 3);
	vmm_pl011_destroy(&uart);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(devices_may_not_overlap_or_be_empty),
		cmocka_unit_test(accesses_reach_the_device_at_its_offset_with_their_size),
		cmocka_unit_test(exit_register_takes_one_32_bit_store),
		cmocka_unit_test(test_device_answers_as_the_mmio_example_expects),
		cmocka_unit_test(console_output_goes_through_the_bus),
	};
	return cmocka_run_group_tests_name("vmm_mmio", tests, NULL, NULL);
}
