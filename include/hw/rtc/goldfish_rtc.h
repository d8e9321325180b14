/*
 * Goldfish RTC ("google,goldfish-rtc"): nanoseconds since the epoch from
 * the host's wall clock, plus one alarm.
 *
 * Registers (32-bit): 0x00 TIME_LOW (reading it latches TIME_HIGH;
 * writing it sets the time from TIME_HIGH:value), 0x04 TIME_HIGH, 0x08
 * ALARM_LOW (writing it arms the alarm at ALARM_HIGH:value), 0x0c
 * ALARM_HIGH, 0x10 IRQ_ENABLED, 0x14 CLEAR_ALARM, 0x18 ALARM_STATUS,
 * 0x1c CLEAR_INTERRUPT.  The interrupt line stays high from the alarm
 * until CLEAR_INTERRUPT, while IRQ_ENABLED is set.
 */
#ifndef HW_RTC_GOLDFISH_RTC_H
#define HW_RTC_GOLDFISH_RTC_H

#include "hw/irq.h"
#include "hw/mmio.h"

#define GOLDFISH_RTC_SIZE 0x1000

typedef struct GoldfishRTC GoldfishRTC;

GoldfishRTC *goldfish_rtc_new(qemu_irq irq);
void goldfish_rtc_free(GoldfishRTC *s);
void goldfish_rtc_reset(GoldfishRTC *s);
const MMIORegionOps *goldfish_rtc_ops(void);

#endif
