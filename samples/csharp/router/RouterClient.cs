// C# side of the two-process router demo: a process with id "cs" that talks to the C++ host
// (samples/cpp/router_host.cpp) through tessera's router and checks every message it receives
// against its own independent computation:
//   path requests  -> BFS on the same seeded grid, computed here
//   near queries   -> brute force over the same seeded entity positions
//   a multicast tick to two C++ targets and one local target, a broadcast group "world",
//   and the entity cpp::npc7, which migrates from the C++ process to this one mid-stream.
// Usage: mono router-client.exe <unix-socket-path>. Prints "N passed, N failed".
using System;
using System.Collections.Generic;
using System.Text;
using Tessera;

namespace Tessera.Samples
{
    public static class RouterClient
    {
        const int W = 32, H = 32, Entities = 64, Moves = 200, Queries = 20;
        static int passed, failed;

        static void Check(bool ok, string what)
        {
            if (ok) passed++;
            else
            {
                failed++;
                Console.WriteLine("FAIL " + what);
            }
        }

        static uint U32(byte[] p, int at)
        {
            return p.Length >= at + 4 ? BitConverter.ToUInt32(p, at) : 0xFFFFFFFFu;
        }

        static byte[] Pack(params uint[] values)
        {
            var bytes = new byte[values.Length * 4];
            for (int i = 0; i < values.Length; i++) BitConverter.GetBytes(values[i]).CopyTo(bytes, i * 4);
            return bytes;
        }

        static bool[] MakeGrid()
        {
            var rng = new Rng(2024);
            var g = new bool[W * H];
            for (int i = 0; i < W * H; i++) g[i] = rng.Below(100) < 25;
            g[0] = false;
            g[W * H - 1] = false;
            return g;
        }

        static int Bfs(bool[] g, int ax, int ay, int bx, int by)
        {
            if (g[ay * W + ax] || g[by * W + bx]) return -1;
            var dist = new int[W * H];
            for (int i = 0; i < dist.Length; i++) dist[i] = -1;
            var q = new Queue<int>();
            q.Enqueue(ay * W + ax);
            dist[ay * W + ax] = 0;
            int[] dx = { 1, -1, 0, 0 }, dy = { 0, 0, 1, -1 };
            while (q.Count > 0)
            {
                int c = q.Dequeue();
                if (c == by * W + bx) return dist[c];
                int x = c % W, y = c / W;
                for (int k = 0; k < 4; k++)
                {
                    int nx = x + dx[k], ny = y + dy[k];
                    if (nx < 0 || ny < 0 || nx >= W || ny >= H) continue;
                    int n = ny * W + nx;
                    if (g[n] || dist[n] >= 0) continue;
                    dist[n] = dist[c] + 1;
                    q.Enqueue(n);
                }
            }
            return -1;
        }

        public static int Main(string[] args)
        {
            if (args.Length != 1)
            {
                Console.Error.WriteLine("usage: router-client.exe <unix-socket-path>");
                return 2;
            }
            bool[] grid = MakeGrid();
            var ex = new long[Entities];
            var ey = new long[Entities];
            var erng = new Rng(77);
            for (int i = 0; i < Entities; i++)
            {
                ex[i] = (long)erng.Below(1000);
                ey[i] = (long)erng.Below(1000);
            }
            var qrng = new Rng(5);

            using (var router = new Router("cs"))
            {
                // The C++ process may still be starting: retry for up to 10 s.
                uint st = 0;
                for (int attempt = 0; attempt < 1000; attempt++)
                {
                    st = router.TryConnect("cpp", "unix:" + args[0]);
                    if (st == NativeMethods.TESS_SUCCESS) break;
                    System.Threading.Thread.Sleep(10);
                }
                Check(st == NativeMethods.TESS_SUCCESS, "connected to the C++ process");
                if (st != NativeMethods.TESS_SUCCESS) return Summary();
                router.Join("world");

                var expectedPath = new Dictionary<uint, int>();
                var expectedNear = new Dictionary<uint, string>();
                var ticksSeen = new HashSet<string>();
                uint handoffNext = 0, handoffSum = 0;
                bool adopted = false, helloReply = false, helloBroadcast = false, bye = false;
                uint nextMoveHere = 0, movesHere = 0;
                ulong sumHere = 0;
                int pathsOk = 0, nearOk = 0;

                Action<RouterMessage> handle = null;
                handle = m =>
                {
                    switch (m.Command)
                    {
                        case 0x0102:
                        {
                            uint id = U32(m.Payload, 0);
                            int got = (int)U32(m.Payload, 4);
                            Check(expectedPath.ContainsKey(id) && expectedPath[id] == got,
                                "path " + id + ": C++ says " + got + ", BFS here " + (expectedPath.ContainsKey(id) ? expectedPath[id] : -2));
                            expectedPath.Remove(id);
                            pathsOk++;
                            break;
                        }
                        case 0x0202:
                        {
                            uint id = U32(m.Payload, 0);
                            uint n = U32(m.Payload, 4);
                            var ids = new List<string>();
                            for (int i = 0; i < n; i++) ids.Add(U32(m.Payload, 8 + 4 * i).ToString());
                            string got = string.Join(",", ids);
                            Check(expectedNear.ContainsKey(id) && expectedNear[id] == got, "near " + id + ": " + got);
                            expectedNear.Remove(id);
                            nearOk++;
                            break;
                        }
                        case 0x0301:
                            Check(m.Kind == MessageKind.Multicast && m.Destination == "cs::client" && U32(m.Payload, 0) == 7,
                                "local part of the multicast");
                            ticksSeen.Add(m.Destination);
                            break;
                        case 0x0302:
                        {
                            Check(U32(m.Payload, 0) == 7, "tick ack carries the tick");
                            string dest = Encoding.ASCII.GetString(m.Payload, 4, m.Payload.Length - 4);
                            Check(dest == "cpp::pathfinder" || dest == "cpp::spatial", "tick ack names a C++ target: " + dest);
                            Check(ticksSeen.Add(dest), "each multicast destination got the tick once");
                            break;
                        }
                        case 0x0401:
                            Check(m.Kind == MessageKind.Broadcast && m.Source == "cs", "own broadcast delivered locally (joined)");
                            break;
                        case 0x0402:
                            Check(Encoding.ASCII.GetString(m.Payload) == "hello from C#", "C++ echoed the broadcast");
                            helloReply = true;
                            break;
                        case 0x0403:
                            Check(m.Kind == MessageKind.Broadcast && m.Destination == "world" && m.Source == "cpp"
                                && Encoding.ASCII.GetString(m.Payload) == "hello from C++", "C++ broadcast to the group");
                            helloBroadcast = true;
                            break;
                        case 0x0502:
                            Check(!adopted, "one handoff");
                            handoffNext = U32(m.Payload, 0);
                            handoffSum = U32(m.Payload, 4);
                            nextMoveHere = handoffNext;
                            router.Adopt("cpp::npc7");
                            adopted = true;
                            Console.WriteLine("cs: adopted cpp::npc7 at move " + handoffNext);
                            break;
                        case 0x0501:
                        {
                            uint k = U32(m.Payload, 0);
                            Check(adopted && m.Destination == "cpp::npc7", "move " + k + " delivered here only after the adopt");
                            Check(k == nextMoveHere, "move " + k + " in order after the migration (expected " + nextMoveHere + ")");
                            nextMoveHere = k + 1;
                            sumHere += k;
                            movesHere++;
                            break;
                        }
                        case 0x0F02:
                            Check(U32(m.Payload, 0) == Queries && U32(m.Payload, 4) == Queries, "C++ answered every query");
                            Check(U32(m.Payload, 8) == 2 && U32(m.Payload, 12) == 1, "C++ got 2 tick parts and 1 hello");
                            Check(U32(m.Payload, 16) == handoffNext, "C++ processed exactly the moves before the handoff");
                            bye = true;
                            break;
                        default:
                            Check(false, "unexpected command 0x" + m.Command.ToString("x4"));
                            break;
                    }
                };
                Action drain = () =>
                {
                    RouterMessage m;
                    while ((m = router.Poll()) != null) handle(m);
                };

                uint q = 0;
                for (uint k = 0; k < Moves; k++)
                {
                    router.Send("cpp::npc7", 0x0501, Pack(k));
                    if (k % 10 == 0 && q < Queries)
                    {
                        int ax, ay, bx, by;
                        do
                        {
                            ax = (int)qrng.Below(W); ay = (int)qrng.Below(H); bx = (int)qrng.Below(W); by = (int)qrng.Below(H);
                        } while (grid[ay * W + ax] || grid[by * W + bx]);
                        expectedPath[q] = Bfs(grid, ax, ay, bx, by);
                        router.Send("cpp::pathfinder", 0x0101, Pack(q, (uint)ax, (uint)ay, (uint)bx, (uint)by));
                        int x = (int)qrng.Below(1000), y = (int)qrng.Below(1000), r = 50 + (int)qrng.Below(150);
                        var near = new List<string>();
                        for (int i = 0; i < Entities; i++)
                        {
                            long dx = ex[i] - x, dy = ey[i] - y;
                            if (dx * dx + dy * dy <= (long)r * r) near.Add(i.ToString());
                        }
                        expectedNear[q] = string.Join(",", near);
                        router.Send("cpp::spatial", 0x0201, Pack(q, (uint)x, (uint)y, (uint)r));
                        q++;
                    }
                    if (k == 50) router.Multicast(new[] { "cpp::pathfinder", "cs::client", "cpp::spatial" }, 0x0301, Pack(7));
                    if (k == 100) router.Broadcast("world", 0x0401, Encoding.ASCII.GetBytes("hello from C#"));
                    drain();
                    if (k % 25 == 0) System.Threading.Thread.Sleep(2); // mid-stream: let the C++ side work
                }
                // Wait (bounded) for every answer and the rest of npc7's moves.
                DateTime deadline = DateTime.UtcNow.AddSeconds(30);
                while (DateTime.UtcNow < deadline && (expectedPath.Count > 0 || expectedNear.Count > 0 || !adopted
                       || nextMoveHere < Moves || ticksSeen.Count < 3 || !helloReply || !helloBroadcast))
                {
                    var m = router.Receive(50);
                    if (m != null) handle(m);
                }
                router.Send("cpp::control", 0x0F01, null);
                while (!bye && DateTime.UtcNow < deadline)
                {
                    var m = router.Receive(50);
                    if (m != null) handle(m);
                }
                Check(pathsOk == Queries && expectedPath.Count == 0, "every path answered");
                Check(nearOk == Queries && expectedNear.Count == 0, "every near query answered");
                Check(ticksSeen.Count == 3, "multicast reached all three destinations");
                Check(helloReply && helloBroadcast, "broadcast both ways");
                Check(adopted && nextMoveHere == Moves, "npc7 got every move: " + handoffNext + " in C++, " + movesHere + " here");
                Check(handoffNext + movesHere == Moves, "no move lost or duplicated across the migration");
                Check((ulong)handoffSum + sumHere == (ulong)Moves * (Moves - 1) / 2, "move sums add up");
                Check(bye, "C++ said bye");
                var s = router.Stats();
                Check(s.lost == 0, "nothing lost");
                Console.WriteLine("cs: " + pathsOk + " paths and " + nearOk + " near queries checked; npc7 moved " + handoffNext
                    + " times in C++ and " + movesHere + " here");
            }
            return Summary();
        }

        static int Summary()
        {
            Console.WriteLine(passed + " passed, " + failed + " failed");
            return failed == 0 ? 0 : 1;
        }
    }
}
