// Router tests through P/Invoke: two routers over a Unix socket, exact statuses of bad input,
// buffer-too-small retry, multicast, broadcast, and stale/NULL handles.
using System;
using System.Text;

namespace Tessera.Tests
{
    public static unsafe class RouterTests
    {
        static string Address(string tag)
        {
            return "unix:/tmp/tess-router-cs-" + tag + "-" + System.Diagnostics.Process.GetCurrentProcess().Id + ".sock";
        }

        public static void TestRoundTripAndOrder()
        {
            string address = Address("rt");
            using (var a = new Router("a"))
            using (var b = new Router("b"))
            {
                Check.True(a.Listen(address) == address, "bound address");
                b.Connect("a", address);
                for (uint i = 0; i < 500; i++) b.Send("a::sink", 0x0102, BitConverter.GetBytes(i), 9);
                bool ok = true;
                for (uint i = 0; i < 500; i++)
                {
                    RouterMessage m = a.Receive(10000);
                    ok &= m != null && BitConverter.ToUInt32(m.Payload, 0) == i && m.Source == "b" && m.Destination == "a::sink"
                        && m.Command == 0x0102 && m.Flags == 9 && m.Kind == MessageKind.Unicast;
                }
                Check.True(ok, "500 messages in order");
                Check.True(a.Poll() == null, "nothing more");
                // Larger than the wrapper's first buffer: BUFFER_TOO_SMALL, then the retry.
                var big = new byte[20000];
                for (int i = 0; i < big.Length; i++) big[i] = (byte)(i * 13);
                b.Send("a::big", 1, big);
                RouterMessage bigMsg = a.Receive(10000);
                bool same = bigMsg != null && bigMsg.Payload.Length == big.Length;
                for (int i = 0; same && i < big.Length; i++) same = bigMsg.Payload[i] == big[i];
                Check.True(same, "large payload intact");
                // Many per call: mixed sizes, one larger than the wrapper's first payload buffer (16 KiB).
                const int batch = 40;
                for (int i = 0; i < batch; i++)
                {
                    var p = new byte[i == 17 ? 40000 : 1 + i * 13];
                    for (int k = 0; k < p.Length; k++) p[k] = (byte)(i + k);
                    b.Send("a::many", (ushort)(0x0D00 | i), p);
                }
                int got = 0;
                bool intact = true;
                for (int calls = 0; got < batch && calls < 1000; calls++)
                {
                    RouterMessage[] ms = calls % 2 == 1 ? a.PollMany(7) : a.ReceiveMany(10000, 7);
                    intact &= ms.Length <= 7;
                    foreach (RouterMessage x in ms)
                    {
                        bool good = x.Command == (0x0D00 | got) && x.Destination == "a::many"
                            && x.Payload.Length == (got == 17 ? 40000 : 1 + got * 13);
                        for (int k = 0; good && k < x.Payload.Length; k++) good = x.Payload[k] == (byte)(got + k);
                        intact &= good;
                        got++;
                    }
                }
                Check.True(intact && got == batch, "many per call: every message intact, in order");
                Check.True(a.PollMany(8).Length == 0 && a.PollMany(0).Length == 0, "many per call: nothing more");
                Check.True(b.GetPeerState("a") == PeerState.Connected, "peer connected");
            }
        }

        public static void TestBadInput()
        {
            string address = Address("bad");
            var config = Router.DefaultConfig();
            config.max_payload = 16;
            using (var a = new Router("a", config))
            using (var b = new Router("b", config))
            {
                a.Listen(address);
                Check.Throws(() => b.Listen(address), NativeMethods.TESS_ALREADY_EXISTS, "address in use");
                Check.Status(b.TryConnect("a", "unix:/tmp/tess-nobody-here.sock"), Check.FailedWith(NativeMethods.TESS_IO_ERROR), "nothing listening");
                b.Connect("a", address);
                Check.Status(b.TrySend("mars::x", 1, null), Check.FailedWith(NativeMethods.TESS_NO_ROUTE), "unknown destination");
                Check.Status(b.TrySend("a::x", 1, new byte[17]), Check.FailedWith(NativeMethods.TESS_INVALID_PARAM), "payload over the maximum");
                Check.Status(b.TrySend("a::x", 1, new byte[16]), NativeMethods.TESS_SUCCESS, "payload at the maximum");
                Check.Throws(() => new Router("a b"), NativeMethods.TESS_INVALID_PARAM, "bad server id");
                Check.Throws(() => b.EndMigration("b::x", "a"), NativeMethods.TESS_WRONG_STATE, "end without begin");
                Check.Throws(() => b.Leave("nope"), NativeMethods.TESS_NOT_FOUND, "leave unknown group");
                Check.Throws(() => b.Multicast(new[] { "a::1", "zz::2" }, 1, null), NativeMethods.TESS_NO_ROUTE, "multicast with an unknown destination");
                TessRouterMessage info;
                uint len;
                Check.Status(NativeMethods.tess_router_poll(a.RawHandle, null, null, 0, &len), Check.FailedWith(NativeMethods.TESS_NULL_PARAM), "NULL info");
                Check.Status(NativeMethods.tess_router_poll(null, &info, null, 0, &len), Check.FailedWith(NativeMethods.TESS_NULL_PARAM), "NULL router");
                TessRouter* stale = a.RawHandle;
                a.Dispose();
                Check.Status(NativeMethods.tess_router_poll(stale, &info, null, 0, &len), Check.FailedWith(NativeMethods.TESS_STALE_HANDLE), "freed router");
                NativeMethods.tess_router_free(stale); // ignored
                NativeMethods.tess_router_free(null);
            }
        }

        public static void TestMulticastAndBroadcast()
        {
            string address = Address("mc");
            using (var a = new Router("a"))
            using (var b = new Router("b"))
            {
                a.Listen(address);
                b.Connect("a", address);
                b.Multicast(new[] { "a::1", "b::2", "a::3" }, 0x0300, Encoding.ASCII.GetBytes("tick"));
                RouterMessage local = b.Receive(10000);
                Check.True(local != null && local.Destination == "b::2" && local.Kind == MessageKind.Multicast, "local multicast part");
                RouterMessage m1 = a.Receive(10000), m3 = a.Receive(10000);
                Check.True(m1 != null && m3 != null && m1.Destination == "a::1" && m3.Destination == "a::3", "remote multicast parts");
                a.Join("world");
                b.Broadcast("world", 0x0400, Encoding.ASCII.GetBytes("hi"));
                RouterMessage bc = a.Receive(10000);
                Check.True(bc != null && bc.Kind == MessageKind.Broadcast && bc.Destination == "world", "broadcast received");
                Check.True(b.Poll() == null, "b did not join: no local copy");
            }
        }
    }
}
