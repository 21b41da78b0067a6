// Grid demo: block-based JPS across den520d, and an SVG of the path with its expanded jump points.
using System;
using System.IO;

namespace Tessera.Samples
{
    public static class GridDemo
    {
        public static void Run()
        {
            using (var map = GridMap.Load("data/movingai/grid/den520d.map"))
            using (var query = new GridQuery(map))
            {
                var start = new TessGridCell { x = 10, y = 139 };
                var goal = new TessGridCell { x = 244, y = 18 };
                foreach (GridAlgorithm algo in new[] { GridAlgorithm.AStar, GridAlgorithm.JpsBlock })
                {
                    GridPath p = query.FindPath(start, goal, algo, GridMoves.Octile, GridPathStyle.TurningPoints, true);
                    Console.WriteLine(algo + ": length " + p.Length.ToString("F4") + ", " + p.Cells.Length
                                      + " turning points, " + query.Expanded().Length + " expanded");
                    if (algo == GridAlgorithm.JpsBlock)
                    {
                        File.WriteAllText("build/demo/grid_demo_csharp.svg", map.Svg(p.Cells, query.Expanded()));
                        Console.WriteLine("wrote build/demo/grid_demo_csharp.svg");
                    }
                }
            }
        }
    }
}
