// Fast inverse square root, weighted sampling and PRD from C#, and an error path.
using System;

namespace Tessera.Samples
{
    public static class FoundationDemo
    {
        public static void Run()
        {
            Console.WriteLine("rsqrt(2), Lomont, 1 step: " + FastMath.Rsqrt(2.0f, Magic.Lomont, 1));
            var rng = new Rng(2024);
            using (var loot = new AliasTable(new double[] { 70, 25, 4.9, 0.1 }))
            {
                var drops = new uint[100000];
                loot.Sample(rng, drops);
                var counts = new int[4];
                foreach (var d in drops) counts[d]++;
                Console.WriteLine("drops common/uncommon/rare/legendary: " + string.Join(" / ", counts));
            }
            var crit = new Prd(0.25);
            var line = new char[40];
            for (int i = 0; i < line.Length; i++) line[i] = crit.Roll(rng) ? 'X' : '.';
            Console.WriteLine("25% crit with PRD (C = " + crit.C.ToString("F5") + "): " + new string(line));
            try
            {
                new AliasTable(new double[] { 1, double.NaN });
            }
            catch (TesseraException e)
            {
                Console.WriteLine("caught TesseraException: " + e.Message);
            }
        }
    }
}
