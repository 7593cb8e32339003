package org.unettf.cli;

import java.io.PrintStream;
import org.unettf.error.ExitCode;
import org.unettf.error.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code unet-tf} command line: train, predict, evaluate, export and bench. */
@Command(
    name = "unet-tf",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "The U-Net of Ronneberger, Fischer and Brox (2015) on TensorFlow Java.",
    subcommands = {
      TrainCommand.class, PredictCommand.class, EvaluateCommand.class, ExportCommand.class, BenchCommand.class
    })
public final class Main implements Runnable {
  final PrintStream out;
  final PrintStream err;

  @Option(names = "--debug", description = "Print stack traces of errors.", scope = CommandLine.ScopeType.INHERIT)
  boolean debug;

  Main(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command line and returns the process exit code, printing errors as one line. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Main main = new Main(out, err);
    CommandLine cli = new CommandLine(main).setCaseInsensitiveEnumValuesAllowed(true);
    cli.setOut(new java.io.PrintWriter(out, true));
    cli.setErr(new java.io.PrintWriter(err, true));
    cli.setParameterExceptionHandler((ex, arguments) -> {
      err.println("error: " + ex.getMessage() + " (see " + ex.getCommandLine().getCommandName() + " --help)");
      return ExitCode.CONFIG.code;
    });
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      if (main.debug) {
        ex.printStackTrace(err);
      }
      if (ex instanceof UserError u) {
        err.println("error: " + u.getMessage());
        return u.exitCode().code;
      }
      Throwable cause = ex;
      if (cause instanceof OutOfMemoryError) {
        err.println("error: out of memory; use a smaller tile or batch, or give Java more heap (java -Xmx...)");
        return ExitCode.MEMORY.code;
      }
      err.println("error: internal error: " + cause + " (rerun with --debug for details, and report it)");
      return ExitCode.INTERNAL.code;
    });
    return cli.execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(out);
  }

  /** The version from the jar's manifest, with TensorFlow's. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"unet-tf " + org.unettf.train.RunInfo.version(),
          "TensorFlow " + org.unettf.model.Sessions.TensorFlowVersion.VERSION};
    }
  }
}
