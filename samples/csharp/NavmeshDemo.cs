// Navmesh from C#: load a Recast navmesh, compare the A* + funnel path with the exact any-angle path,
// and write an SVG top view (build/demo/navmesh_demo_csharp.svg).
using System;
using System.IO;

namespace Tessera.Samples
{
    public static class NavmeshDemo
    {
        public static void Run()
        {
            using (var mesh = NavMesh.FromObj(File.ReadAllText("data/navmesh/dungeon.navmesh.obj")))
            using (var query = new NavMeshQuery(mesh, 2048))
            {
                var filter = QueryFilter.Default();
                var rng = new Rng(2024);
                for (int attempt = 0; attempt < 50; attempt++)
                {
                    TessVec3 a, b;
                    ulong pa = query.FindRandomPoint(filter, rng, out a);
                    ulong pb = query.FindRandomPoint(filter, rng, out b);
                    var path = query.FindPath(pa, pb, a, b, filter);
                    if (path.Partial || path.Polys.Length < 6) continue;
                    var corners = query.FindStraightPath(a, b, path.Polys, 0);
                    var funnel = new TessVec3[corners.Length];
                    for (int i = 0; i < corners.Length; i++) funnel[i] = corners[i].pos;
                    float length;
                    var optimal = query.FindOptimalPath(pa, pb, a, b, filter, out length);
                    Console.WriteLine("navmesh: corridor of " + path.Polys.Length + " polygons, funnel " + corners.Length +
                                      " corners, optimal length " + length.ToString("F2"));
                    mesh.WriteSvg(funnel, optimal, "build/demo/navmesh_demo_csharp.svg");
                    Console.WriteLine("navmesh: SVG top view written to build/demo/navmesh_demo_csharp.svg");
                    return;
                }
            }
        }
    }
}
