/* sample_plugin.c: the default click-to-call flow as a call-handler shared library.
 *
 *   gcc -shared -fPIC -o sample_plugin.so Tools/handlers/sample_plugin.c
 *   cartline-plugin-host ./sample_plugin.so
 *
 * Replies are the lines that do not start with "800 "; events are kept aside.
 * EOF, a broken pipe or "511" ends the call quietly with status 0.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cartline_handler.h"

#define MAX_EVENTS 64

struct channel {
    int input_fd;
    int output_fd;
    char buffer[4 * CARTLINE_HANDLER_MAX_LINE];
    size_t used;
    char events[MAX_EVENTS][CARTLINE_HANDLER_MAX_LINE + 1];
    int event_count;
};

/* Reads one line (without newline) into line; returns 0, or -1 at EOF or error. */
static int read_line(struct channel *channel, char *line, size_t size) {
    for (;;) {
        char *newline = memchr(channel->buffer, '\n', channel->used);
        if (newline != NULL) {
            size_t length = (size_t)(newline - channel->buffer);
            size_t copied = length < size - 1 ? length : size - 1;
            memcpy(line, channel->buffer, copied);
            line[copied] = '\0';
            if (copied > 0 && line[copied - 1] == '\r') line[copied - 1] = '\0';
            channel->used -= length + 1;
            memmove(channel->buffer, newline + 1, channel->used);
            return 0;
        }
        if (channel->used == sizeof channel->buffer) return -1; /* no newline in 4 KiB */
        ssize_t count = read(channel->input_fd, channel->buffer + channel->used, sizeof channel->buffer - channel->used);
        if (count < 0 && errno == EINTR) continue;
        if (count <= 0) return -1;
        channel->used += (size_t)count;
    }
}

static int write_line(struct channel *channel, const char *text) {
    char line[CARTLINE_HANDLER_MAX_LINE + 2];
    size_t length = strlen(text);
    if (length > CARTLINE_HANDLER_MAX_LINE) return -1;
    memcpy(line, text, length);
    line[length++] = '\n';
    size_t offset = 0;
    while (offset < length) {
        ssize_t written = write(channel->output_fd, line + offset, length - offset);
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) return -1;
        offset += (size_t)written;
    }
    return 0;
}

/* Sends a command and reads its reply into reply; -1 when the call is gone. */
static int send_command(struct channel *channel, const char *command, char *reply, size_t size) {
    if (write_line(channel, command) != 0) return -1;
    for (;;) {
        if (read_line(channel, reply, size) != 0) return -1;
        if (strncmp(reply, "800 ", 4) == 0) {
            if (channel->event_count < MAX_EVENTS) {
                strncpy(channel->events[channel->event_count], reply, CARTLINE_HANDLER_MAX_LINE);
                channel->events[channel->event_count][CARTLINE_HANDLER_MAX_LINE] = '\0';
                channel->event_count++;
            }
            continue;
        }
        if (strncmp(reply, "511 ", 4) == 0) return -1;
        return 0;
    }
}

static int wait_for_hangup(struct channel *channel) {
    char line[CARTLINE_HANDLER_MAX_LINE + 1];
    for (int index = 0; index < channel->event_count; index++) {
        if (strncmp(channel->events[index], "800 event=hangup", 16) == 0) return 0;
    }
    while (read_line(channel, line, sizeof line) == 0) {
        if (strncmp(line, "800 event=hangup", 16) == 0) return 0;
    }
    return -1;
}

static int is_answered(const char *reply) {
    return strcmp(reply, "200 result=answered") == 0;
}

static void run(struct channel *channel) {
    char line[CARTLINE_HANDLER_MAX_LINE + 1];
    char command[CARTLINE_HANDLER_MAX_LINE + 1];

    /* Header: name: value lines up to a blank line. */
    do {
        if (read_line(channel, line, sizeof line) != 0) return;
    } while (line[0] != '\0');

    if (send_command(channel, "DIAL customer 30000", line, sizeof line) != 0) return;
    if (!is_answered(line)) {
        const char *result = strncmp(line, "200 result=", 11) == 0 ? line + 11 : "failed";
        size_t length = strspn(result, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");
        if (length == 0 || length > 40) { result = "failed"; length = 6; }
        memcpy(command, "HANGUP customer-", 16);
        memcpy(command + 16, result, length);
        command[16 + length] = '\0';
        send_command(channel, command, line, sizeof line);
        return;
    }
    if (send_command(channel, "PLAY greeting", line, sizeof line) != 0) return;
    if (send_command(channel, "DIAL agent 30000", line, sizeof line) != 0) return;
    if (!is_answered(line)) {
        if (send_command(channel, "PLAY no-agent", line, sizeof line) != 0) return;
        send_command(channel, "HANGUP no-agent", line, sizeof line);
        return;
    }
    if (send_command(channel, "BRIDGE", line, sizeof line) != 0) return;
    if (wait_for_hangup(channel) != 0) return;
    send_command(channel, "HANGUP", line, sizeof line);
}

int cartline_handler_main(int input_fd, int output_fd) {
    static struct channel channel; /* one call per process: static keeps 68 KiB off the stack */
    memset(&channel, 0, sizeof channel);
    channel.input_fd = input_fd;
    channel.output_fd = output_fd;
    run(&channel);
    return 0;
}
