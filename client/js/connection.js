// One live connection to a board: hello/welcome, the event stream folded into the local
// state, commands with acks, presence, and automatic reconnect that resumes with `since`.
//
// Guarantees kept here:
// - every event seq is applied once and in order; a gap makes us reconnect with `since`;
// - a command sent while offline, or whose ack was lost with the connection, is sent
//   again after the next welcome (creates are idempotent on the server);
// - close code 4000 (fell behind) and 1012 (server restart) reconnect at once;
// - a stalled link is noticed within a few seconds: after QUIET_MS without a frame we send
//   {"type": "ping"}; if nothing at all arrives within PONG_MS after it, the socket is
//   dropped (status "offline") and we reconnect with `since` and backoff. A connection
//   attempt that gets no welcome within CONNECT_MS is given up the same way.

import { newId } from "./ids.js";
import { absorbCounts, apply, fromSnapshot } from "./state.js";

/** How often a share link opened before close asks again whether the board closed. */
const NOT_YET_RETRY_MS = 5000;
const BACKOFF_MS = [250, 1000, 2000, 4000, 8000, 15000];
const RESEND_QUIET = new Set(["not_found", "stale_phase"]);
const QUIET_MS = 1500;
const PONG_MS = 2000;
const CONNECT_MS = 5000;
const WATCH_MS = 250;

export class CommandError extends Error {
  constructor(frame) {
    super(frame.message || frame.code);
    this.code = frame.code;
    this.details = frame;
  }
}

export class BoardConnection extends EventTarget {
  constructor(boardId, token) {
    super();
    this.boardId = boardId;
    this.token = token;
    this.state = null;
    this.me = null;
    this.seq = null;
    this.presence = null;
    this.timer = null;
    this.clockOffset = 0; // server epoch seconds minus local epoch seconds
    this.joinCode = null;
    this.publicUrl = null; // where phones join (--public-url or the LAN address), from welcome
    this.linkScope = null; // "network" | "local" | null (unknown)
    this.status = "connecting";
    this.socket = null;
    this.pending = new Map(); // cid -> {frame, resolve, reject, sent, resent}
    this.attempt = 0;
    this.retryTimer = null;
    this.stopped = false;
    this.welcomed = false;
    this.lastHeard = 0; // Date.now() of the last frame on the current socket
    this.pingAt = 0; // Date.now() of the unanswered ping, or 0
    this.openedAt = 0;
    this.watchdog = null;
    this.onOnline = () => this.reconnectSoon(0);
    this.onOffline = () => this.dropSocket("offline");
    window.addEventListener("online", this.onOnline);
    window.addEventListener("offline", this.onOffline);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && this.status !== "online") this.reconnectSoon(0);
    });
  }

  start() {
    this.stopped = false;
    clearInterval(this.watchdog);
    this.watchdog = setInterval(() => this.checkAlive(), WATCH_MS);
    this.open();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.watchdog);
    window.removeEventListener("online", this.onOnline);
    window.removeEventListener("offline", this.onOffline);
    if (this.socket) this.socket.close(1000);
  }

  /** Send a command; resolves with the ack's seq, rejects with a CommandError. */
  send(type, args = {}) {
    const cid = newId();
    const frame = { type, cid, ...args };
    return new Promise((resolve, reject) => {
      const entry = { frame, resolve, reject, sent: false, everSent: false, resent: false };
      this.pending.set(cid, entry);
      if (this.welcomed && this.socket?.readyState === WebSocket.OPEN) {
        this.socket.send(JSON.stringify(frame));
        entry.sent = true;
        entry.everSent = true;
      }
    });
  }

  /** Send a frame that is not a command (no cid, no reply): true if it went out now. */
  notify(frame) {
    if (!this.welcomed || this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  open() {
    clearTimeout(this.retryTimer);
    if (this.stopped) return;
    if (this.status === "online") this.setStatus("connecting");
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    // batch=1: several waiting events may arrive as one {"type": "events"} frame.
    const url = `${scheme}//${location.host}/ws/${encodeURIComponent(this.boardId)}?batch=1`;
    let socket;
    try {
      socket = new WebSocket(url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    this.welcomed = false;
    this.openedAt = Date.now();
    this.lastHeard = 0;
    this.pingAt = 0;
    socket.addEventListener("open", () => {
      socket.send(JSON.stringify({ type: "hello", token: this.token, since: this.state ? this.seq : null }));
    });
    socket.addEventListener("message", (message) => {
      if (socket !== this.socket) return;
      this.lastHeard = Date.now();
      this.pingAt = 0;
      let data;
      try {
        data = JSON.parse(message.data);
      } catch {
        return;
      }
      for (const frame of Array.isArray(data) ? data : [data]) {
        if (socket !== this.socket) return;
        this.receive(frame);
      }
    });
    socket.addEventListener("close", (event) => {
      if (socket !== this.socket) return;
      this.socket = null;
      this.welcomed = false;
      for (const entry of this.pending.values()) entry.sent = false;
      if (this.stopped || this.status === "unauthorized") return;
      this.setStatus("offline");
      const immediate = event.code === 4000 || event.code === 1012;
      // 4003: a share link before close; the results come at close, look again calmly
      const later = event.code === 4003 ? NOT_YET_RETRY_MS : undefined;
      this.scheduleReconnect(immediate ? 100 : later);
    });
  }

  scheduleReconnect(delay) {
    clearTimeout(this.retryTimer);
    const base = delay ?? BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    const jittered = delay !== undefined ? delay : base * (0.75 + Math.random() * 0.5);
    this.attempt += 1;
    this.retryTimer = setTimeout(() => this.open(), jittered);
  }

  reconnectSoon(delay) {
    if (this.stopped || this.status === "unauthorized") return;
    if (this.socket && this.socket.readyState <= WebSocket.OPEN && this.status === "online") return;
    this.attempt = 0;
    if (this.socket && this.socket.readyState === WebSocket.CONNECTING) return;
    this.scheduleReconnect(delay);
  }

  /**
   * The heartbeat, checked every WATCH_MS: ping a quiet link, give up a dead one.
   * Any frame counts as a sign of life, so a busy board sends no pings at all.
   */
  checkAlive() {
    const socket = this.socket;
    if (this.stopped || !socket) return;
    const now = Date.now();
    if (!this.welcomed) {
      if (now - this.openedAt > CONNECT_MS) this.dropSocket("offline");
      return;
    }
    if (this.pingAt) {
      if (now - this.pingAt > PONG_MS) this.dropSocket("offline");
      return;
    }
    if (now - this.lastHeard > QUIET_MS && socket.readyState === WebSocket.OPEN) {
      this.pingAt = now;
      try {
        socket.send(JSON.stringify({ type: "ping" }));
      } catch {
        this.dropSocket("offline");
      }
    }
  }

  /**
   * Give up the current socket without waiting for its close (a stalled link never
   * completes the closing handshake), show `status`, and reconnect with backoff.
   */
  dropSocket(status) {
    if (this.stopped || this.status === "unauthorized") return;
    const socket = this.socket;
    this.socket = null;
    this.welcomed = false;
    this.pingAt = 0;
    for (const entry of this.pending.values()) entry.sent = false;
    if (socket) {
      try {
        socket.close(1000);
      } catch {
        // already closing
      }
    }
    this.setStatus(status);
    this.scheduleReconnect();
  }

  /** Drop this socket and resume from the last seq we hold (a gap, or a stalled link). */
  resync() {
    const socket = this.socket;
    this.socket = null;
    this.welcomed = false;
    for (const entry of this.pending.values()) entry.sent = false;
    if (socket) socket.close(1000);
    this.setStatus("connecting");
    this.scheduleReconnect(0);
  }

  receive(frame) {
    switch (frame.type) {
      case "welcome":
        this.onWelcome(frame);
        break;
      case "event":
        this.onEvent(frame);
        break;
      case "events":
        for (const item of frame.events || []) this.onEvent(item);
        break;
      case "ack":
        this.settle(frame.cid, (entry) => entry.resolve(frame.seq));
        break;
      case "error":
        this.onError(frame);
        break;
      case "pong":
        if (typeof frame.server_time === "number") {
          this.clockOffset = frame.server_time - Date.now() / 1000;
        }
        break;
      case "presence":
        this.presence = frame;
        // the room's progress (issue 12): the server's counts take over the local guess
        if (frame.counts && this.state) absorbCounts(this.state, frame.counts);
        if ("timer" in frame) this.timer = frame.timer;
        if (typeof frame.server_time === "number") {
          this.clockOffset = frame.server_time - Date.now() / 1000;
        }
        this.emit("presence");
        break;
      default:
        break;
    }
  }

  onWelcome(frame) {
    this.me = frame.you;
    if (typeof frame.server_time === "number") this.clockOffset = frame.server_time - Date.now() / 1000;
    if ("timer" in frame) this.timer = frame.timer;
    if (frame.join_code) this.joinCode = frame.join_code;
    if ("public_url" in frame) this.publicUrl = frame.public_url || null;
    if ("link_scope" in frame) this.linkScope = frame.link_scope || null;
    if (frame.presence) this.presence = frame.presence;
    if (frame.state) {
      this.state = fromSnapshot(frame.state);
      this.seq = frame.seq;
      if (frame.state.board?.join_code) this.joinCode = frame.state.board.join_code;
    } else if (Array.isArray(frame.events) && this.state) {
      for (const item of frame.events) {
        if (item.seq <= this.seq) continue;
        apply(this.state, item.event, this.me.id);
        this.seq = item.seq;
      }
      this.seq = Math.max(this.seq, frame.seq);
    } else {
      // events without a state to fold them into: ask for a full state
      this.state = null;
      this.resync();
      return;
    }
    this.welcomed = true;
    this.attempt = 0;
    this.setStatus("online");
    this.emit("change", { welcome: true });
    for (const entry of this.pending.values()) {
      if (entry.sent) continue;
      entry.resent = entry.resent || entry.everSent;
      entry.sent = true;
      entry.everSent = true;
      this.socket.send(JSON.stringify(entry.frame));
    }
  }

  onEvent(frame) {
    if (!this.state) return;
    if (frame.seq <= this.seq) return; // already have it
    if (frame.seq !== this.seq + 1) {
      this.resync();
      return;
    }
    apply(this.state, frame.event, this.me.id);
    this.seq = frame.seq;
    // a timer belongs to its phase (the server clears it too; this drops it at once)
    if (frame.event.kind === "phase.changed") this.timer = null;
    // issue 13: the timer is an event; the display reads `conn.timer`
    if (frame.event.kind === "timer.set") this.timer = this.state.timer;
    this.emit("change", { event: frame.event });
  }

  onError(frame) {
    if (frame.code === "unauthorized") {
      this.setStatus("unauthorized");
      this.stopped = true;
      this.emit("unauthorized", frame); // frame.reason "signed_out": revoked by a facilitator
      return;
    }
    if (frame.reason === "not_closed") {
      this.emit("notyet", frame); // a share link opened before the board closed
      return;
    }
    if (frame.cid && this.pending.has(frame.cid)) {
      this.settle(frame.cid, (entry) => {
        if (entry.resent && RESEND_QUIET.has(frame.code)) entry.resolve(this.seq);
        else entry.reject(new CommandError(frame));
      });
      return;
    }
    this.emit("servererror", frame);
  }

  settle(cid, fn) {
    const entry = this.pending.get(cid);
    if (!entry) return;
    this.pending.delete(cid);
    fn(entry);
  }

  setStatus(status) {
    if (this.status === status) return;
    this.status = status;
    this.emit("status");
  }

  emit(type, detail = {}) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  /** Seconds left on the phase timer, or null when none runs. */
  timeLeft() {
    if (!this.timer || typeof this.timer.ends_at !== "number") return null;
    const now = Date.now() / 1000 + this.clockOffset;
    return Math.max(0, Math.round(this.timer.ends_at - now));
  }
}
