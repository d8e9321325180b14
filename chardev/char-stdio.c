/*
 * The stdio back-end: the guest console on the emulator's own terminal.
 *
 * When stdin is a terminal it is put in raw mode (no echo, no line
 * editing, no CR/NL translation on input) so every key reaches the guest;
 * output keeps OPOST so the guest's "\n" still returns the carriage.  With
 * signal=off (the default under "mon:stdio") Ctrl-C is a key for the guest,
 * not SIGINT.  The terminal is restored at exit and on fatal signals:
 * a crashed emulator must not leave the user's shell unusable.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "qapi/error.h"
#include "chardev/char.h"

static const char *const stdio_options[] = { "signal", NULL };

static bool stdio_in_use;
static bool tty_saved;
static struct termios tty_orig;

static void stdio_restore_tty(void)
{
    if (tty_saved) {
        tcsetattr(STDIN_FILENO, TCSANOW, &tty_orig);
    }
}

static void fatal_signal_handler(int sig)
{
    /* tcsetattr is async-signal-safe; then die the default way */
    stdio_restore_tty();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_fatal_handlers(void)
{
    static const int sigs[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL,
                                SIGQUIT };
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = fatal_signal_handler;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < G_N_ELEMENTS(sigs); i++) {
        sigaction(sigs[i], &sa, NULL);
    }
}

static void stdio_set_raw(bool allow_signals)
{
    struct termios tty;

    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &tty_orig) < 0) {
        return;
    }
    tty_saved = true;
    atexit(stdio_restore_tty);
    install_fatal_handlers();

    tty = tty_orig;
    tty.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR |
                     ICRNL | IXON);
    tty.c_oflag |= OPOST;
    tty.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
    if (!allow_signals) {
        tty.c_lflag &= ~ISIG;
    }
    tty.c_cflag &= ~(CSIZE | PARENB);
    tty.c_cflag |= CS8;
    tty.c_cc[VMIN] = 1;
    tty.c_cc[VTIME] = 0;
    tcsetattr(STDIN_FILENO, TCSANOW, &tty);
}

static bool stdio_open(Chardev *chr, ChardevOptions *opts, Error **errp)
{
    bool allow_signals;

    if (stdio_in_use) {
        error_setg(errp, "cannot use stdio by multiple character devices");
        return false;
    }
    if (!qemu_chr_opt_bool(opts, "signal", true, &allow_signals, errp)) {
        return false;
    }
    stdio_in_use = true;
    stdio_set_raw(allow_signals);
    qemu_chr_fd_set_fds(chr, STDIN_FILENO, STDOUT_FILENO);
    chr->be_open = true;
    return true;
}

static void stdio_close(Chardev *chr)
{
    qemu_chr_fd_set_fds(chr, -1, -1);
    stdio_restore_tty();
    stdio_in_use = false;
}

const ChardevClass char_stdio_class = {
    .name = "stdio",
    .instance_size = sizeof(FDChardev),
    .options = stdio_options,
    .open = stdio_open,
    .chr_write = qemu_chr_fd_write,
    .chr_accept_input = qemu_chr_fd_update_read,
    .chr_update_read_handler = qemu_chr_fd_update_read,
    .chr_close = stdio_close,
};
