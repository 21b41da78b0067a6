// Pool tests through P/Invoke: ref access, stale/double-free/foreign handles, policies, bad input.
using System;
using System.Collections.Generic;

namespace Tessera.Tests
{
    public struct Bullet
    {
        public float X, Y, Z;
        public int Damage;
        public byte Alive;
    }

    public static unsafe class PoolTests
    {
        public static void TestRefAccessAndModel()
        {
            using (var pool = new Pool<Bullet>(8, PoolPolicy.Grow))
            {
                Check.True(Pool<Bullet>.ElementSize == 20, "Bullet is 20 bytes");
                var model = new Dictionary<ulong, int>();
                var rng = new Rng(3);
                for (int step = 0; step < 2000; step++)
                {
                    if (model.Count == 0 || rng.Below(3) != 0)
                    {
                        ulong h = pool.Alloc(new Bullet { X = step, Damage = step });
                        model.Add(h, step);
                    }
                    else
                    {
                        var keys = new List<ulong>(model.Keys);
                        ulong h = keys[(int)rng.Below((ulong)keys.Count)];
                        pool.Free(h);
                        model.Remove(h);
                    }
                }
                bool agree = pool.Count == model.Count;
                foreach (var kv in model) agree = agree && pool[kv.Key].Damage == kv.Value;
                Check.True(agree, "pool agrees with the model");
                Check.True(pool.Handles().Length == model.Count, "live handles");
                foreach (var h in model.Keys)
                {
                    ref Bullet b = ref pool[h];
                    b.Damage += 1000; // in place, through the ref
                    break;
                }
                foreach (var h in model.Keys)
                {
                    Check.True(pool[h].Damage == model[h] + 1000, "ref write landed in the slot");
                    break;
                }
            }
        }

        public static void TestStaleDoubleFreeAndForeign()
        {
            using (var a = new Pool<Bullet>(4))
            using (var b = new Pool<Bullet>(4))
            {
                ulong h = a.Alloc(new Bullet { Damage = 7 });
                ulong hb = b.Alloc(new Bullet { Damage = 9 });
                Check.True(a.Contains(h) && !b.Contains(h), "foreign handle not contained");
                Check.Throws(() => { var x = b[h]; }, NativeMethods.TESS_STALE_HANDLE, "foreign handle");
                Check.Status(NativeMethods.tess_pool_free_item(null, h), Check.FailedWith(NativeMethods.TESS_NULL_PARAM), "NULL pool");
                a.Free(h);
                Bullet dummy;
                Check.True(!a.TryGet(h, out dummy), "stale TryGet");
                Check.Throws(() => a.Free(h), NativeMethods.TESS_STALE_HANDLE, "double free");
                Check.Throws(() => a.Free(0), NativeMethods.TESS_STALE_HANDLE, "handle 0");
                Check.True(b[hb].Damage == 9, "other pool untouched");
            }
        }

        public static void TestPoliciesAndBadInput()
        {
            using (var pool = new Pool<Bullet>(2))
            {
                pool.Alloc(new Bullet());
                pool.Alloc(new Bullet());
                Check.Throws(() => pool.Alloc(new Bullet()), NativeMethods.TESS_FULL, "Fail pool full");
            }
            using (var ring = new Pool<Bullet>(2, PoolPolicy.EvictOldest))
            {
                ulong first = ring.Alloc(new Bullet { Damage = 1 });
                ring.Alloc(new Bullet { Damage = 2 });
                ulong evicted;
                ulong third = ring.Alloc(new Bullet { Damage = 3 }, out evicted);
                Check.True(evicted == first && !ring.Contains(first) && ring[third].Damage == 3, "evicts the oldest");
                Check.True(ring.Stats.evictions == 1, "eviction counted");
                ring.Clear();
                Check.True(ring.Count == 0 && !ring.Contains(third), "clear");
            }
            Check.Throws(() => new Pool<Bullet>(0, PoolPolicy.Fail), NativeMethods.TESS_INVALID_PARAM, "capacity 0 with Fail");
            TessPool* raw = null;
            Check.Status(NativeMethods.tess_pool_new(0, 4, 4, 0, 0, &raw), Check.FailedWith(NativeMethods.TESS_INVALID_PARAM), "size 0");
            Check.Status(NativeMethods.tess_pool_new(16, 6, 4, 0, 0, &raw), Check.FailedWith(NativeMethods.TESS_INVALID_PARAM), "align 6");
            Check.Status(NativeMethods.tess_pool_new(NativeMethods.TESS_POOL_MAX_ELEM_SIZE + 1, 4, 4, 0, 0, &raw), Check.FailedWith(NativeMethods.TESS_INVALID_PARAM), "oversized");
            Check.True(raw == null, "out stays NULL");
            var disposed = new Pool<Bullet>(1);
            disposed.Dispose();
            bool threw = false;
            try { disposed.Alloc(new Bullet()); } catch (ObjectDisposedException) { threw = true; }
            Check.True(threw, "disposed pool throws");
        }
    }
}
