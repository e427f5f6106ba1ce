/* wasi-libc's snprintf (vfprintf.o) refers to stderr, and with it to the stdio back end that writes to WASI
 * file descriptors. This module has no file descriptors and never prints through stdio: its console is the
 * lab's `log` import. Defining the back end here as traps keeps every WASI import out of the link, so the
 * module imports only what the lab provides (module "epv", checked by a test), and a stray stdio write
 * stops the board loudly instead of vanishing. */
#include <stddef.h>
#include <stdint.h>

struct _IO_FILE;

size_t __stdio_write(struct _IO_FILE *f, const unsigned char *buf, size_t len);
size_t __stdio_write(struct _IO_FILE *f, const unsigned char *buf, size_t len)
{
    (void)f, (void)buf, (void)len;
    __builtin_trap();
}

int __stdio_close(struct _IO_FILE *f);
int __stdio_close(struct _IO_FILE *f)
{
    (void)f;
    __builtin_trap();
}

int64_t __stdio_seek(struct _IO_FILE *f, int64_t off, int whence);
int64_t __stdio_seek(struct _IO_FILE *f, int64_t off, int whence)
{
    (void)f, (void)off, (void)whence;
    __builtin_trap();
}

/* __towrite asks for stdio to be flushed at exit; a module without exit has nothing to flush. */
void __stdio_exit_needed(void);
void __stdio_exit_needed(void) {}
