/*
 * Streaming JSON reader for the QMP server.
 *
 * QMP arrives as an unframed byte stream: a message may be split over many
 * reads, and one read may hold several messages.  This module turns the
 * stream into a sequence of complete top-level JSON values, each handed to
 * the caller as a json-glib JsonNode, or into errors.  Framing, limits and
 * error recovery are done here, byte by byte; json-glib only supplies the
 * value types.
 *
 * Dialect (what QEMU's QMP accepts): RFC 8259 JSON, plus 'single-quoted'
 * strings; both kinds of string also accept the escape \'.  Strings must be
 * valid UTF-8 (no overlong forms, no encoded surrogates, nothing above
 * U+10FFFF), \uXXXX escapes must pair surrogates correctly, \u0000 and raw
 * control characters are refused.  Integers that fit int64 become int64
 * values, others become doubles; a number whose magnitude overflows a double
 * is refused.  A key repeated inside one object is refused (it keeps object
 * construction linear and removes any doubt about which value counts).
 *
 * Limits (defaults, see JsonStreamLimits): nesting depth 1024 (1025 is an
 * error), one token at most 1 MiB of input, one message at most 64 MiB of
 * input, at most 1 Mi tokens per message.  The reader never buffers more
 * than one message, so memory stays bounded by these limits.
 *
 * Errors and recovery.  Every error is reported once through the error
 * callback, with its kind and a message that reads "JSON parse error, <detail>",
 * ready to be used as the "desc" of a QMP GenericError.  The partial message
 * is dropped and the reader then discards input silently until a new
 * message can begin:
 *
 *  - Ordinary errors (bad token, bad escape, invalid UTF-8, unexpected
 *    token, limit exceeded): the reader keeps following the structure of
 *    the broken message -- strings and bracket nesting, leniently -- and
 *    resumes right after the bracket that closes it.  An error in a bare
 *    top-level token (`tru`, `01`) resumes at the next whitespace or opening
 *    bracket/quote; stray closing brackets, commas and colons at top level
 *    are swallowed with the error they caused.  So `{"a" 1, "b": {"c": 2}}`
 *    costs one error and nothing inside it is delivered.  A closer of the
 *    wrong kind (`{"a": [1}`) closes up to the nearest matching bracket.
 *    Input that leaves brackets open cannot be told from a message still
 *    arriving: the reader waits, as QEMU does, until a reset byte.
 *
 *  - Reset bytes: an ASCII control character other than tab, CR and LF
 *    (anywhere), a raw CR or LF inside a string, or a byte 0xFE/0xFF.  These
 *    are how a QMP client forces the parser into a known-good state
 *    (docs/interop/qmp-spec: "provoke a lexical error").  The reader forgets
 *    all structure and discards input up to the next '{', where a new
 *    message starts.  A reset byte seen while already recovering from an
 *    error produces no further error.
 *
 * Rules of the interface:
 *  - Callbacks run synchronously inside json_stream_feed() and
 *    json_stream_finish().  They must not call feed, finish, reset or free
 *    on the same reader; queue the work instead (QMP dispatches from a
 *    bottom half anyway).
 *  - The value callback receives ownership of the node (json_node_unref it).
 *    The reader delivers any JSON value; judging QMP semantics is the
 *    monitor's job: use json_stream_value_is_object() and reply
 *    "QMP input must be a JSON object" otherwise.
 *  - A top-level number or literal is complete only when the byte after it
 *    arrives; call json_stream_finish() at end of input to flush it (and to
 *    have a truncated message reported).
 */
#ifndef MONITOR_JSON_READER_H
#define MONITOR_JSON_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <json-glib/json-glib.h>

typedef enum JsonStreamErrorCode {
    JSON_STREAM_ERROR_SYNTAX,      /* well-formed tokens in a wrong order */
    JSON_STREAM_ERROR_LEXICAL,     /* bad byte, encoding, escape or token */
    JSON_STREAM_ERROR_LIMIT,       /* a JsonStreamLimits value exceeded */
    JSON_STREAM_ERROR_TRUNCATED,   /* end of input inside a message */
} JsonStreamErrorCode;

typedef struct JsonStreamLimits {
    size_t max_depth;         /* open arrays/objects at once */
    size_t max_token_size;    /* bytes of input in one token (quotes included) */
    size_t max_message_size;  /* bytes of input from first to last token */
    size_t max_tokens;        /* tokens in one message */
} JsonStreamLimits;

#define JSON_STREAM_DEFAULT_MAX_DEPTH        1024
#define JSON_STREAM_DEFAULT_MAX_TOKEN_SIZE   (1u << 20)
#define JSON_STREAM_DEFAULT_MAX_MESSAGE_SIZE (64u << 20)
#define JSON_STREAM_DEFAULT_MAX_TOKENS       (1u << 20)

typedef struct JsonStreamCallbacks {
    /* A complete top-level value; the callee owns @value. */
    void (*value)(void *opaque, JsonNode *value);
    /* A malformed message; @message is only valid during the call. */
    void (*error)(void *opaque, JsonStreamErrorCode code, const char *message);
} JsonStreamCallbacks;

typedef struct JsonStream JsonStream;

/* @cb is copied; @limits may be NULL for the defaults. */
JsonStream *json_stream_new(const JsonStreamCallbacks *cb, void *opaque,
                            const JsonStreamLimits *limits);
void json_stream_free(JsonStream *s);

void json_stream_get_default_limits(JsonStreamLimits *limits);

/* Consume @len bytes; any number of callbacks may run before it returns. */
void json_stream_feed(JsonStream *s, const void *buf, size_t len);

/*
 * End of input: deliver a pending top-level number or literal, report an
 * unfinished message as JSON_STREAM_ERROR_TRUNCATED, and leave the reader
 * as if newly created.
 */
void json_stream_finish(JsonStream *s);

/*
 * Forget everything silently (e.g. a new client on the same chardev).
 * From inside a callback (a reply that fails to go out because the client
 * has gone) it takes effect when the callback returns, and the rest of the
 * input being fed is dropped with it.
 */
void json_stream_reset(JsonStream *s);

/* True when no partial message is held and no error recovery is under way. */
bool json_stream_is_idle(const JsonStream *s);

/*
 * Bytes of input counted against max_message_size for the message being
 * read (0 between messages).  For tests and the fuzzer's memory invariant.
 */
size_t json_stream_pending_bytes(const JsonStream *s);

/* The QMP monitor accepts only objects at top level. */
static inline bool json_stream_value_is_object(JsonNode *value)
{
    return value && JSON_NODE_HOLDS_OBJECT(value);
}

/* "object", "array", "string", "number", "boolean" or "null". */
const char *json_stream_value_kind(JsonNode *value);

#endif /* MONITOR_JSON_READER_H */
