// The message router from C#, in one process: two routers over a Unix socket. The two-process
// version (C# client, C++ host) is samples/csharp/router/RouterClient.cs + samples/cpp/router_host.cpp.
using System;
using System.Text;

namespace Tessera.Samples
{
    public static class RouterDemo
    {
        public static void Run()
        {
            string path = "/tmp/tess-router-sample-" + System.Diagnostics.Process.GetCurrentProcess().Id + ".sock";
            using (var zone = new Router("zone"))
            using (var lobby = new Router("lobby"))
            {
                zone.Listen("unix:" + path);
                lobby.Connect("zone", "unix:" + path);
                lobby.Send("zone::npc1", 0x0101, Encoding.ASCII.GetBytes("open the gate"));
                RouterMessage m = zone.Receive(5000);
                Console.WriteLine("zone got 0x" + m.Command.ToString("x4") + " for " + m.Destination + " from " + m.Source + ": "
                    + Encoding.ASCII.GetString(m.Payload));
                zone.Send("lobby::player7", 0x0102, Encoding.ASCII.GetBytes("gate open"));
                Console.WriteLine("lobby got: " + Encoding.ASCII.GetString(lobby.Receive(5000).Payload));
                try
                {
                    lobby.Send("mars::rover", 1, null);
                }
                catch (TesseraException e)
                {
                    Console.WriteLine("no route: " + e.Message);
                }
            }
        }
    }
}
