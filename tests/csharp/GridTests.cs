// Grid tests through P/Invoke: arena2 scenarios against the data file's optimal lengths,
// regions, graphs, and the exact statuses of bad input.
using System;
using System.IO;

namespace Tessera.Tests
{
    public static unsafe class GridTests
    {
        private static TessGridCell C(uint x, uint y)
        {
            var c = new TessGridCell();
            c.x = x;
            c.y = y;
            return c;
        }

        public static void TestArena2Scenarios()
        {
            using (var map = GridMap.Load("data/movingai/grid/arena2.map"))
            using (var query = new GridQuery(map))
            {
                Check.True(map.Width == 281 && map.Height == 209, "arena2 size");
                string[] lines = File.ReadAllLines("data/movingai/grid/arena2.map.scen");
                int sampled = 0, exact = 0;
                for (int i = 1; i < lines.Length; i += 10)
                {
                    string[] f = lines[i].Split('\t');
                    if (f.Length != 9) continue;
                    sampled++;
                    double optimal = double.Parse(f[8], System.Globalization.CultureInfo.InvariantCulture);
                    var s = C(uint.Parse(f[4]), uint.Parse(f[5]));
                    var g = C(uint.Parse(f[6]), uint.Parse(f[7]));
                    bool ok = true;
                    foreach (GridAlgorithm algo in new[] { GridAlgorithm.AStar, GridAlgorithm.Jps, GridAlgorithm.JpsBlock })
                    {
                        GridPath p = query.FindPath(s, g, algo);
                        ok &= p.Found && Math.Abs(p.Length - optimal) <= 1e-3 * optimal
                              && p.Cells[0].x == s.x && p.Cells[p.Cells.Length - 1].y == g.y;
                    }
                    if (ok) exact++;
                }
                Check.True(sampled == 93 && exact == sampled, "arena2 sampled scenarios are optimal: " + exact + "/" + sampled);
            }
        }

        public static void TestRegionsAndNoPath()
        {
            using (var map = GridMap.FromBytes(new byte[] { 0, 1, 0 }, 3, 1))
            using (var query = new GridQuery(map))
            {
                Check.True(map.RegionCount == 2, "two regions");
                Check.True(map.Region(1, 0) == NativeMethods.TESS_GRID_NO_REGION, "blocked cell has no region");
                Check.True(!query.FindPath(C(0, 0), C(2, 0)).Found, "unreachable goal is not an error");
                Check.Throws(() => query.FindPath(C(1, 0), C(2, 0)), NativeMethods.TESS_INVALID_PARAM, "blocked start");
                Check.Throws(() => query.FindPath(C(0, 0), C(3, 0)), NativeMethods.TESS_INVALID_PARAM, "goal outside");
                Check.Throws(() => query.FindPath(C(0, 0), C(2, 0), GridAlgorithm.Jps, GridMoves.Cardinal), NativeMethods.TESS_INVALID_PARAM, "JPS with cardinal moves");
                string svg = map.Svg(new[] { C(0, 0) }, null);
                Check.True(svg.StartsWith("<svg"), "svg");
            }
            Check.Throws(() => GridMap.Parse("type octile\nheight 2\nwidth 2\nmap\n..\n"), NativeMethods.TESS_PARSE_ERROR, "truncated map");
            Check.Throws(() => GridMap.Parse("type octile\nheight 1\nwidth 2\nmap\n.#\n"), NativeMethods.TESS_PARSE_ERROR, "unknown character");
            Check.Throws(() => GridMap.Parse("type octile\nheight 1\nwidth 3\nmap\n..\n"), NativeMethods.TESS_PARSE_ERROR, "wrong width");
            TessGridMap* raw;
            Check.Status(NativeMethods.tess_grid_map_parse(null, 3, &raw), Check.FailedWith(NativeMethods.TESS_NULL_PARAM), "NULL text");
            double len;
            uint n;
            Check.Status(NativeMethods.tess_grid_query_find_path(null, C(0, 0), C(0, 0), null, &len, null, 0, &n), Check.FailedWith(NativeMethods.TESS_NULL_PARAM), "NULL query");
        }

        public static void TestGraphs()
        {
            // 0 -> 1 -> 2 -> 0, 2 -> 3
            using (var g = new Graph(new uint[] { 0, 1, 2, 4, 4 }, new uint[] { 1, 2, 0, 3 }, new double[] { 1, 2, 1, 5 }, null))
            using (var q = new GraphQuery(g))
            {
                Check.True(g.SccCount == 2, "two components");
                uint[] ids = g.SccIds();
                Check.True(ids[0] == ids[2] && ids[3] < ids[0], "component ids");
                GraphPath d = q.Dijkstra(0, 3);
                Check.True(d.Found && d.Cost == 8.0 && d.Nodes.Length == 4, "dijkstra");
                Check.True(q.Bfs(1, 3).Cost == 2.0, "bfs");
                Check.True(q.Reachable(1, 3) && !q.Reachable(3, 1), "reachable");
                Check.True(!q.Dijkstra(3, 0).Found, "no path");
                Check.Throws(() => q.AStar(0, 3, GraphHeuristic.Euclidean, 1.0), NativeMethods.TESS_INVALID_PARAM, "no coordinates");
            }
            Check.Throws(() => new Graph(new uint[] { 0 }, new uint[0], null, null), NativeMethods.TESS_INVALID_PARAM, "empty graph");
            Check.Throws(() => new Graph(new uint[] { 0, 1 }, new uint[] { 7 }, null, null), NativeMethods.TESS_INVALID_PARAM, "missing node");
            using (var neg = new Graph(new uint[] { 0, 1, 1 }, new uint[] { 1 }, new double[] { -1 }, null))
            using (var q = new GraphQuery(neg))
            {
                Check.Throws(() => q.Dijkstra(0, 1), NativeMethods.TESS_INVALID_PARAM, "negative weight");
            }
        }
    }
}
