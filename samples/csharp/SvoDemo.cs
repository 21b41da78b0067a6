// Sparse voxel octree from C#: a wall with a hole, a path around it, an SVG of the map.
using System;
using System.IO;

namespace Tessera.Samples
{
    public static class SvoDemo
    {
        public static void Run()
        {
            var p = new TessSvoBuildParams
            {
                bounds_min = new TessVec3 { x = 0, y = 0, z = 0 },
                bounds_max = new TessVec3 { x = 32, y = 8, z = 32 },
                voxel_size = 1f,
            };
            using (var svo = Svo.FromCallback(p, (lo, hi) => lo.x < 16f && hi.x > 14f && !(lo.z >= 24f && hi.z <= 28f)))
            using (var q = new SvoQuery(svo, 4096))
            {
                var path = q.FindPath(new TessVec3 { x = 2.5f, y = 2.5f, z = 2.5f }, new TessVec3 { x = 29.5f, y = 2.5f, z = 2.5f });
                Console.WriteLine("svo path: " + path.Points.Length + " points, length " + path.Info.length.ToString("F2"));
                File.WriteAllText("build/demo/svo_demo_csharp.svg", svo.Svg(path.Points));
            }
        }
    }
}
