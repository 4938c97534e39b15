// OpenSSL for Swift: the calls ORA's TLS needs, and small functions for what OpenSSL spells as
// macros (which Swift cannot import).
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

static inline int ora_ssl_ctx_set_min_tls12(SSL_CTX *ctx) { return (int)SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION); }
static inline long ora_ssl_ctx_set_release_buffers(SSL_CTX *ctx) { return SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER); }
static inline long ora_bio_pending(BIO *b) { return (long)BIO_ctrl_pending(b); }
static inline int ora_ssl_set_tlsext_host_name(SSL *ssl, const char *name) { return (int)SSL_set_tlsext_host_name(ssl, name); }
