// Runs every public static void Test*() method of every public static class named *Tests in this
// assembly, and prints "N passed, N failed" (every Check counts once; an exception fails its test).
using System;
using System.Linq;
using System.Reflection;

namespace Tessera.Tests
{
    public static class Check
    {
        public static int Passed;
        public static int Failed;

        public static void True(bool condition, string what)
        {
            if (condition)
            {
                Passed++;
            }
            else
            {
                Failed++;
                Console.WriteLine("FAIL " + what + " (last error: " + Tessera.Status.LastErrorMessage() + ")");
            }
        }

        public static void Status(uint got, uint expected, string what)
        {
            if (got != expected)
            {
                Console.WriteLine(string.Format("  status 0x{0:x8} ({1}), expected 0x{2:x8}", got, Tessera.Status.Name(got), expected));
            }
            True(got == expected, what);
        }

        public static void Near(double got, double expected, double tolerance, string what)
        {
            True(Math.Abs(got - expected) <= tolerance, what + ": " + got + " vs " + expected);
        }

        /// <summary>Asserts that the action throws TesseraException carrying the detail bit.</summary>
        public static void Throws(Action action, uint detail, string what)
        {
            try
            {
                action();
                True(false, what + ": no exception");
            }
            catch (TesseraException e)
            {
                True(e.Has(detail) && e.Message.Length > 0, what + ": " + e.Message);
            }
        }

        /// <summary>The failure status for a detail bit.</summary>
        public static uint FailedWith(uint detail)
        {
            return NativeMethods.TESS_FAILURE | detail;
        }
    }

    public static class Runner
    {
        public static int Main()
        {
            var tests = Assembly.GetExecutingAssembly().GetTypes()
                .Where(t => t.IsPublic && t.Name.EndsWith("Tests"))
                .OrderBy(t => t.Name)
                .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
                .Where(m => m.Name.StartsWith("Test") && m.GetParameters().Length == 0);
            foreach (var test in tests)
            {
                try
                {
                    test.Invoke(null, null);
                }
                catch (TargetInvocationException e)
                {
                    Check.Failed++;
                    Console.WriteLine("FAIL " + test.DeclaringType.Name + "." + test.Name + " threw " + e.InnerException);
                }
            }
            Console.WriteLine(Check.Passed + " passed, " + Check.Failed + " failed");
            return Check.Failed == 0 ? 0 : 1;
        }
    }
}
