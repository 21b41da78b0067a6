// tessera from C#: a small MMO zone. Players wander; each frame one MoveBatch call moves them all and
// AoiUpdate says who came into and went out of whose view.
using System;

namespace Tessera.Samples
{
    public static class SpatialDemo
    {
        public static void Run()
        {
            const int n = 2000;
            var rng = new Rng(7);
            var ids = new ulong[n];
            var pos = new TessVec3[n];
            using (var zone = new SpatialGrid(0, 0, 1000, 1000, 25))
            {
                for (int i = 0; i < n; i++)
                {
                    ids[i] = (ulong)(100000 + i);
                    pos[i] = new TessVec3 { x = rng.NextFloat() * 1000, y = 0, z = rng.NextFloat() * 1000 };
                    zone.Insert(ids[i], pos[i].x, pos[i].z, 25f); // everyone sees 25 m around them
                }
                for (int frame = 0; frame < 5; frame++)
                {
                    for (int i = 0; i < n; i++)
                    {
                        pos[i].x += (rng.NextFloat() - 0.5f) * 8;
                        pos[i].z += (rng.NextFloat() - 0.5f) * 8;
                    }
                    zone.MoveBatch(ids, pos);
                    TessIdPair[] enter, leave;
                    zone.AoiUpdate(out enter, out leave);
                    Console.WriteLine("frame " + frame + ": " + enter.Length + " came into view, " + leave.Length + " left view");
                }
                int pairs = zone.PairsWithin(2f, Span<TessIdPair>.Empty);
                Console.WriteLine(pairs + " pairs of players stand within 2 m of each other");
                var hits = new TessSpatialHit[3];
                int k = zone.Nearest(500, 500, hits);
                for (int i = 0; i < k; i++)
                    Console.WriteLine("near the centre: player " + hits[i].id + " at " + Math.Sqrt(hits[i].dist_sq).ToString("F1") + " m");
                try
                {
                    zone.Move(42, float.NaN, 0);
                }
                catch (TesseraException e)
                {
                    Console.WriteLine("bad move -> " + e.Message);
                }
            }
        }
    }
}
