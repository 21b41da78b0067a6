// tessera C#: the message router (cross-process dispatch over Unix or loopback TCP sockets).
// Nothing is called back from the router's background threads (safe for Unity/Mono): take messages
// with Poll() in the game loop or Receive(timeout) on a worker thread.
using System;
using System.Runtime.InteropServices;
using System.Text;

namespace Tessera
{
    /// <summary>How a message was addressed.</summary>
    public enum MessageKind : byte
    {
        Unicast = (byte)NativeMethods.TESS_ROUTER_UNICAST,
        Multicast = (byte)NativeMethods.TESS_ROUTER_MULTICAST,
        Broadcast = (byte)NativeMethods.TESS_ROUTER_BROADCAST,
    }

    /// <summary>State of the link to a peer.</summary>
    public enum PeerState : uint
    {
        Connecting = NativeMethods.TESS_ROUTER_PEER_CONNECTING,
        Connected = NativeMethods.TESS_ROUTER_PEER_CONNECTED,
        Gone = NativeMethods.TESS_ROUTER_PEER_GONE,
    }

    /// <summary>A received message.</summary>
    public sealed class RouterMessage
    {
        public ushort Command;
        public byte Flags;
        public MessageKind Kind;
        public bool Relayed;
        public ulong Seq;
        public string Source;
        public string Destination;
        public byte[] Payload;
    }

    /// <summary>A message router. Thread-safety: any method from any thread (order kept per sending
    /// thread); Dispose from one thread when no other uses it.</summary>
    public sealed unsafe class Router : TessHandle
    {
        // Receive buffers, one per thread: any thread may receive, and a
        // message's bytes are copied out before the call returns.
        [ThreadStatic] private static byte[] buffer;
        [ThreadStatic] private static TessRouterMessage[] infos;

        private static byte[] Buffer(int atLeast)
        {
            if (buffer == null || buffer.Length < atLeast) buffer = new byte[atLeast];
            return buffer;
        }

        public Router(string serverId)
        {
            TessRouter* raw;
            fixed (byte* id = Utf8(serverId))
            {
                Status.Check(NativeMethods.tess_router_new(id, null, &raw));
            }
            SetHandle((IntPtr)raw);
        }

        public Router(string serverId, TessRouterConfig config)
        {
            TessRouter* raw;
            fixed (byte* id = Utf8(serverId))
            {
                Status.Check(NativeMethods.tess_router_new(id, &config, &raw));
            }
            SetHandle((IntPtr)raw);
        }

        /// <summary>The default settings, to adjust and pass to the constructor.</summary>
        public static TessRouterConfig DefaultConfig()
        {
            TessRouterConfig c;
            Status.Check(NativeMethods.tess_router_config_default(&c));
            return c;
        }

        internal static byte[] Utf8(string s)
        {
            if (s == null) return null;
            byte[] bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
            Encoding.UTF8.GetBytes(s, 0, s.Length, bytes, 0);
            return bytes;
        }

        private TessRouter* R
        {
            get { return (TessRouter*)Raw; }
        }

        /// <summary>Listens on "unix:PATH" or a loopback "tcp:IP:PORT"; returns the bound address.</summary>
        public string Listen(string address)
        {
            byte[] outBuf = new byte[256];
            uint len;
            fixed (byte* a = Utf8(address))
            fixed (byte* o = outBuf)
            {
                Status.Check(NativeMethods.tess_router_listen(R, a, o, (uint)outBuf.Length, &len));
            }
            return Encoding.UTF8.GetString(outBuf, 0, (int)Math.Min(len, (uint)outBuf.Length) - 1);
        }

        public void Connect(string peerId, string address)
        {
            Status.Check(TryConnect(peerId, address));
        }

        /// <summary>Connect without throwing; returns the status (IO_ERROR when nothing listens yet).</summary>
        public uint TryConnect(string peerId, string address)
        {
            fixed (byte* p = Utf8(peerId))
            fixed (byte* a = Utf8(address))
            {
                return NativeMethods.tess_router_connect(R, p, a);
            }
        }

        public void AddAnchor(string prefix, string peerId)
        {
            fixed (byte* p = Utf8(prefix))
            fixed (byte* q = Utf8(peerId))
            {
                Status.Check(NativeMethods.tess_router_add_anchor(R, p, q));
            }
        }

        public void RemoveAnchor(string prefix)
        {
            fixed (byte* p = Utf8(prefix)) Status.Check(NativeMethods.tess_router_remove_anchor(R, p));
        }

        /// <summary>Sends without throwing; TESS_FAILURE|TESS_FULL means: retry later.</summary>
        public uint TrySend(string destination, ushort command, byte[] payload, byte flags = 0)
        {
            int n = payload == null ? 0 : payload.Length;
            fixed (byte* d = Utf8(destination))
            fixed (byte* p = payload)
            {
                return NativeMethods.tess_router_send(R, d, command, flags, p, (uint)n);
            }
        }

        public void Send(string destination, ushort command, byte[] payload, byte flags = 0)
        {
            Status.Check(TrySend(destination, command, payload, flags));
        }

        /// <summary>One payload to several destinations, serialised once.</summary>
        public void Multicast(string[] destinations, ushort command, byte[] payload, byte flags = 0)
        {
            int n = payload == null ? 0 : payload.Length;
            fixed (byte* d = Utf8(string.Join("\n", destinations)))
            fixed (byte* p = payload)
            {
                Status.Check(NativeMethods.tess_router_multicast(R, d, command, flags, p, (uint)n));
            }
        }

        public void Join(string group)
        {
            fixed (byte* g = Utf8(group)) Status.Check(NativeMethods.tess_router_join(R, g));
        }

        public void Leave(string group)
        {
            fixed (byte* g = Utf8(group)) Status.Check(NativeMethods.tess_router_leave(R, g));
        }

        public void Broadcast(string group, ushort command, byte[] payload, byte flags = 0)
        {
            int n = payload == null ? 0 : payload.Length;
            fixed (byte* g = Utf8(group))
            fixed (byte* p = payload)
            {
                Status.Check(NativeMethods.tess_router_broadcast(R, g, command, flags, p, (uint)n));
            }
        }

        public void BeginMigration(string target)
        {
            fixed (byte* t = Utf8(target)) Status.Check(NativeMethods.tess_router_begin_migration(R, t));
        }

        public void EndMigration(string target, string newHome)
        {
            fixed (byte* t = Utf8(target))
            fixed (byte* h = Utf8(newHome))
            {
                Status.Check(NativeMethods.tess_router_end_migration(R, t, h));
            }
        }

        public void Adopt(string target)
        {
            fixed (byte* t = Utf8(target)) Status.Check(NativeMethods.tess_router_adopt(R, t));
        }

        /// <summary>The next message, or null when none is waiting. Never blocks.</summary>
        public RouterMessage Poll()
        {
            return Take(false, 0);
        }

        /// <summary>The next message, waiting up to timeoutMs; null on timeout.</summary>
        public RouterMessage Receive(uint timeoutMs)
        {
            return Take(true, timeoutMs);
        }

        /// <summary>Up to max waiting messages in one call (for draining the queue each frame). Never blocks.</summary>
        public RouterMessage[] PollMany(int max)
        {
            return TakeMany(false, 0, max);
        }

        /// <summary>Up to max messages, waiting up to timeoutMs for the first; empty on timeout.</summary>
        public RouterMessage[] ReceiveMany(uint timeoutMs, int max)
        {
            return TakeMany(true, timeoutMs, max);
        }

        private RouterMessage[] TakeMany(bool blocking, uint timeoutMs, int max)
        {
            if (max <= 0) return new RouterMessage[0];
            if (infos == null || infos.Length < max) infos = new TessRouterMessage[max];
            byte[] payloads = Buffer(16 * 1024);
            for (int attempt = 0; attempt < 2; attempt++)
            {
                uint count, len, st;
                fixed (TessRouterMessage* i = infos)
                fixed (byte* b = payloads)
                {
                    st = blocking
                        ? NativeMethods.tess_router_recv_many(R, timeoutMs, i, (uint)max, b, (uint)payloads.Length, &count, &len)
                        : NativeMethods.tess_router_poll_many(R, i, (uint)max, b, (uint)payloads.Length, &count, &len);
                }
                Status.Check(st);
                if ((st & (NativeMethods.TESS_WOULD_BLOCK | NativeMethods.TESS_TIMEOUT)) != 0) return new RouterMessage[0];
                if ((st & NativeMethods.TESS_BUFFER_TOO_SMALL) != 0)
                {
                    payloads = Buffer((int)len); // the first message stays queued: take it again
                    blocking = false;
                    continue;
                }
                // Payloads lie back to back in the order of the headers.
                var result = new RouterMessage[count];
                int offset = 0;
                for (int k = 0; k < count; k++)
                {
                    result[k] = ToMessage(ref infos[k], payloads, offset);
                    offset += (int)infos[k].payload_len;
                }
                return result;
            }
            return new RouterMessage[0];
        }

        // One message: the many-per-call path with room for one.
        private RouterMessage Take(bool blocking, uint timeoutMs)
        {
            RouterMessage[] messages = TakeMany(blocking, timeoutMs, 1);
            return messages.Length == 0 ? null : messages[0];
        }

        private static RouterMessage ToMessage(ref TessRouterMessage info, byte[] payloads, int offset)
        {
            var m = new RouterMessage();
            m.Command = info.command;
            m.Flags = info.flags;
            m.Kind = (MessageKind)info.kind;
            m.Relayed = info.relayed != 0;
            m.Seq = info.seq;
            fixed (byte* source = info.source) m.Source = CString(source, 64);
            fixed (byte* destination = info.destination) m.Destination = CString(destination, 256);
            m.Payload = new byte[info.payload_len];
            Array.Copy(payloads, offset, m.Payload, 0, (int)info.payload_len);
            return m;
        }

        private static string CString(byte* p, int cap)
        {
            int n = 0;
            while (n < cap && p[n] != 0) n++;
            return Encoding.UTF8.GetString(p, n);
        }

        /// <summary>Waits until every own message sent to peers is acknowledged.</summary>
        public void Flush(uint timeoutMs)
        {
            Status.Check(NativeMethods.tess_router_flush(R, timeoutMs));
        }

        public PeerState GetPeerState(string peerId)
        {
            uint s;
            fixed (byte* p = Utf8(peerId)) Status.Check(NativeMethods.tess_router_peer_state(R, p, &s));
            return (PeerState)s;
        }

        public TessRouterStats Stats()
        {
            TessRouterStats s;
            Status.Check(NativeMethods.tess_router_stats(R, &s));
            return s;
        }

        /// <summary>Recent log lines (closed connections and why, dropped messages).</summary>
        public string Log()
        {
            uint len;
            Status.Check(NativeMethods.tess_router_log(R, null, 0, &len));
            byte[] text = new byte[len];
            fixed (byte* t = text) Status.Check(NativeMethods.tess_router_log(R, t, len, &len));
            return Encoding.UTF8.GetString(text, 0, Math.Max(0, (int)len - 1));
        }

        /// <summary>The raw handle, for calls into NativeMethods (tests).</summary>
        public TessRouter* RawHandle
        {
            get { return R; }
        }

        protected override bool ReleaseHandle()
        {
            NativeMethods.tess_router_free((TessRouter*)handle);
            return true;
        }
    }
}
