// tessera from C#: runs every *Demo.Run() in this program.
using System;
using System.Linq;
using System.Reflection;

namespace Tessera.Samples
{
    public static class Program
    {
        public static int Main()
        {
            Console.WriteLine("tessera " + Status.Version() + " from C# on " + Environment.Version);
            var demos = Assembly.GetExecutingAssembly().GetTypes()
                .Where(t => t.IsPublic && t.Name.EndsWith("Demo"))
                .OrderBy(t => t.Name == "FoundationDemo" ? "" : t.Name);
            foreach (var demo in demos)
            {
                Console.WriteLine("-- " + demo.Name);
                demo.GetMethod("Run").Invoke(null, null);
            }
            return 0;
        }
    }
}
