/*
 * A test back-end: records what front-ends write and lets the test push
 * input through the regular back-end API.
 */
#ifndef TESTS_UNIT_HW_TEST_CHR_H
#define TESTS_UNIT_HW_TEST_CHR_H

#include <string.h>

#include "chardev/char.h"

typedef struct TestChardev {
    Chardev parent;
    GString *out;
    int accept_calls;
} TestChardev;

static inline int test_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    g_string_append_len(((TestChardev *)chr)->out, (const char *)buf, len);
    return len;
}

static inline void test_chr_accept(Chardev *chr)
{
    ((TestChardev *)chr)->accept_calls++;
}

static const ChardevClass test_chr_class = {
    .name = "test",
    .instance_size = sizeof(TestChardev),
    .chr_write = test_chr_write,
    .chr_accept_input = test_chr_accept,
};

static inline TestChardev *test_chr_new(void)
{
    TestChardev *t = g_new0(TestChardev, 1);

    t->parent.cls = &test_chr_class;
    t->parent.label = g_strdup("test");
    t->parent.be_open = true;
    t->out = g_string_new(NULL);
    return t;
}

static inline void test_chr_free(TestChardev *t)
{
    g_string_free(t->out, TRUE);
    g_free(t->parent.label);
    g_free(t);
}

/* Feed input the way a back-end must: no more than can_write allows. */
static inline int test_chr_input(TestChardev *t, const char *s)
{
    int room = qemu_chr_be_can_write(&t->parent);
    int n = MIN(room, (int)strlen(s));

    if (n > 0) {
        qemu_chr_be_write(&t->parent, (const uint8_t *)s, n);
    }
    return n;
}

#endif
