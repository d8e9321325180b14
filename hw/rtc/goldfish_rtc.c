/*
 * Goldfish RTC (see include/hw/rtc/goldfish_rtc.h).
 */
#include <glib.h>

#include "hw/rtc/goldfish_rtc.h"
#include "qemu/log.h"
#include "qemu/timer.h"

enum {
    RTC_TIME_LOW = 0x00,
    RTC_TIME_HIGH = 0x04,
    RTC_ALARM_LOW = 0x08,
    RTC_ALARM_HIGH = 0x0c,
    RTC_IRQ_ENABLED = 0x10,
    RTC_CLEAR_ALARM = 0x14,
    RTC_ALARM_STATUS = 0x18,
    RTC_CLEAR_INTERRUPT = 0x1c,
};

struct GoldfishRTC {
    qemu_irq irq;
    QEMUTimer *timer;       /* alarm, on the realtime clock */
    int64_t offset;         /* guest time - host wall time, ns */
    uint32_t time_high;     /* latched / to be written */
    uint32_t alarm_high;
    uint64_t alarm;
    bool alarm_running;
    bool irq_pending;
    bool irq_enabled;
};

static int64_t rtc_now(GoldfishRTC *s)
{
    return qemu_clock_get_ns(QEMU_CLOCK_HOST) + s->offset;
}

static void rtc_update_irq(GoldfishRTC *s)
{
    qemu_set_irq(s->irq, s->irq_pending && s->irq_enabled);
}

static void rtc_alarm_fire(void *opaque)
{
    GoldfishRTC *s = opaque;

    s->alarm_running = false;
    s->irq_pending = true;
    rtc_update_irq(s);
}

static void rtc_arm(GoldfishRTC *s)
{
    int64_t delta = (int64_t)s->alarm - rtc_now(s);

    s->alarm_running = true;
    if (delta <= 0) {
        timer_del(s->timer);
        rtc_alarm_fire(s);
        return;
    }
    timer_mod_ns(s->timer, qemu_clock_get_ns(QEMU_CLOCK_REALTIME) + delta);
}

static uint64_t rtc_read(void *opaque, hwaddr off, unsigned size)
{
    GoldfishRTC *s = opaque;
    uint64_t now;

    switch (off) {
    case RTC_TIME_LOW:
        now = (uint64_t)rtc_now(s);
        s->time_high = now >> 32;
        return (uint32_t)now;
    case RTC_TIME_HIGH:
        return s->time_high;
    case RTC_ALARM_LOW:
        return (uint32_t)s->alarm;
    case RTC_ALARM_HIGH:
        return s->alarm >> 32;
    case RTC_IRQ_ENABLED:
        return s->irq_enabled;
    case RTC_ALARM_STATUS:
        return s->alarm_running;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "goldfish_rtc: read of unknown "
                      "register 0x%x", (unsigned)off);
        return 0;
    }
}

static void rtc_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    GoldfishRTC *s = opaque;

    switch (off) {
    case RTC_TIME_LOW: {
        uint64_t t = (uint64_t)s->time_high << 32 | (uint32_t)val;

        s->offset = (int64_t)t - qemu_clock_get_ns(QEMU_CLOCK_HOST);
        if (s->alarm_running) {
            rtc_arm(s);
        }
        return;
    }
    case RTC_TIME_HIGH:
        s->time_high = val;
        return;
    case RTC_ALARM_LOW:
        s->alarm = (uint64_t)s->alarm_high << 32 | (uint32_t)val;
        rtc_arm(s);
        return;
    case RTC_ALARM_HIGH:
        s->alarm_high = val;
        return;
    case RTC_IRQ_ENABLED:
        s->irq_enabled = val & 1;
        rtc_update_irq(s);
        return;
    case RTC_CLEAR_ALARM:
        timer_del(s->timer);
        s->alarm_running = false;
        return;
    case RTC_CLEAR_INTERRUPT:
        s->irq_pending = false;
        rtc_update_irq(s);
        return;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "goldfish_rtc: write to unknown "
                      "register 0x%x", (unsigned)off);
    }
}

static const MMIORegionOps rtc_ops = {
    .read = rtc_read,
    .write = rtc_write,
    .valid_sizes = MMIO_SIZE_4,
};

const MMIORegionOps *goldfish_rtc_ops(void)
{
    return &rtc_ops;
}

GoldfishRTC *goldfish_rtc_new(qemu_irq irq)
{
    GoldfishRTC *s = g_new0(GoldfishRTC, 1);

    s->irq = irq;
    s->offset = qemu_rtc_base_offset();       /* -rtc base= */
    s->timer = timer_new_ns(QEMU_CLOCK_REALTIME, rtc_alarm_fire, s);
    goldfish_rtc_reset(s);
    return s;
}

void goldfish_rtc_reset(GoldfishRTC *s)
{
    /* the offset survives: a reset does not turn back the clock */
    timer_del(s->timer);
    s->alarm = 0;
    s->alarm_high = 0;
    s->alarm_running = false;
    s->irq_pending = false;
    s->irq_enabled = false;
    rtc_update_irq(s);
}

void goldfish_rtc_free(GoldfishRTC *s)
{
    if (s) {
        timer_free(s->timer);
        g_free(s);
    }
}
