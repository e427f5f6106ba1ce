/* Status codes returned by every fallible call of the portable core. */
#ifndef EPV_STATUS_H
#define EPV_STATUS_H

typedef enum {
    EPV_OK = 0,
    EPV_ERR_ARG,        /* caller passed something impossible (NULL, bad size) */
    EPV_ERR_SHORT,      /* input ended before a field */
    EPV_ERR_OVERFLOW,   /* output buffer too small */
    EPV_ERR_LENGTH,     /* a length field disagrees with the bytes present */
    EPV_ERR_NOT_PROV,   /* not an ESP-NOW PROV frame (other type / version) */
    EPV_ERR_KIND,       /* unknown payload kind */
    EPV_ERR_VALUE,      /* a field holds a value outside its range */
    EPV_ERR_AUTH,       /* MAC / AEAD tag did not verify */
    EPV_ERR_CRYPTO,     /* the crypto backend failed */
    EPV_ERR_STATE,      /* call not valid in the current state */
    EPV_ERR_NOT_FOUND   /* a looked-up key or item is absent */
} epv_status_t;

/** Constant name of a status, for logs. Never NULL. */
const char *epv_status_str(epv_status_t st);

#endif
