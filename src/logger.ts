import pino, { type Logger } from "pino";

/** JSON logs; pretty only on a terminal. API keys never reach a log line. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: [
        "req.headers.authorization",
        "headers.authorization",
        // Raw client input: the request id we log is our own (src/app.ts requestIdOf).
        'req.headers["x-request-id"]',
        "*.key",
        "key",
      ],
      censor: "[redacted]",
    },
    ...(process.stdout.isTTY
      ? { transport: { target: "pino-pretty", options: { translateTime: "SYS:standard" } } }
      : {}),
  });
}
