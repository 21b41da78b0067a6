// tessera from C#: a pool of blittable structs updated in place through ref access.
using System;

namespace Tessera.Samples
{
    public struct Projectile
    {
        public float X, Y, Speed;
    }

    public static class PoolDemo
    {
        public static void Run()
        {
            using (var pool = new Pool<Projectile>(16, PoolPolicy.Grow))
            {
                ulong a = pool.Alloc(new Projectile { X = 0, Speed = 2 });
                ulong b = pool.Alloc(new Projectile { X = 5, Speed = 1 });
                for (int frame = 0; frame < 3; frame++)
                {
                    foreach (ulong h in pool.Handles())
                    {
                        ref Projectile p = ref pool[h];
                        p.X += p.Speed;
                    }
                }
                Console.WriteLine("a at x=" + pool[a].X + ", b at x=" + pool[b].X);
                pool.Free(a);
                try
                {
                    pool.Free(a);
                }
                catch (TesseraException e)
                {
                    Console.WriteLine("double free caught: " + e.Message);
                }
                Console.WriteLine("live: " + pool.Count + ", high water: " + pool.Stats.high_water);
            }
        }
    }
}
