/*
 * The null back-end: output vanishes, no input ever arrives.
 */
#include "chardev/char.h"

static bool null_open(Chardev *chr, ChardevOptions *opts, Error **errp)
{
    chr->be_open = true;
    return true;
}

static int null_write(Chardev *chr, const uint8_t *buf, int len)
{
    return len;
}

const ChardevClass char_null_class = {
    .name = "null",
    .instance_size = sizeof(Chardev),
    .open = null_open,
    .chr_write = null_write,
};
