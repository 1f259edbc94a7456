// A fast SMTP server that accepts everything, in a worker thread of its own so that it does not
// share the event loop of the sender it measures. It reads only the header of each message to
// count Message-IDs (all, and distinct).
import { parentPort } from "node:worker_threads";
import { SMTPServer } from "smtp-server";

const ids = new Set();
let total = 0;
let withoutId = 0;
let bytes = 0;

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  banner: "bench sink",
  size: 10 * 1024 * 1024,
  onData(stream, _session, callback) {
    let head = "";
    let done = false;
    stream.on("data", (chunk) => {
      bytes += chunk.length;
      if (done) return;
      head += chunk.toString("latin1");
      const end = head.indexOf("\r\n\r\n");
      if (end >= 0 || head.length > 65_536) {
        done = true;
        head = end >= 0 ? head.slice(0, end) : head;
      }
    });
    stream.on("end", () => {
      const m = /^Message-ID:[ \t]*(<[^>\r\n]+>)/im.exec(head);
      total += 1;
      if (m) ids.add(m[1]);
      else withoutId += 1;
      callback();
    });
  },
});

server.listen(0, "127.0.0.1", () => {
  parentPort.postMessage({ type: "listening", port: server.server.address().port });
});

parentPort.on("message", (msg) => {
  if (msg.type === "reset") {
    ids.clear();
    total = 0;
    withoutId = 0;
    bytes = 0;
    parentPort.postMessage({ type: "reset" });
  } else if (msg.type === "stats") {
    parentPort.postMessage({ type: "stats", total, distinct: ids.size, withoutId, bytes });
  } else if (msg.type === "close") {
    server.close(() => parentPort.postMessage({ type: "closed" }));
  }
});
