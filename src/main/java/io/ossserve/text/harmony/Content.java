package io.ossserve.text.harmony;

/** One item of a message body; items are rendered one after the other with no separator. */
public sealed interface Content permits TextContent, SystemContent, DeveloperContent {}
