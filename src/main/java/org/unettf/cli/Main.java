package org.unettf.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.tensorflow.exceptions.TFResourceExhaustedException;
import org.unettf.config.PathValue;
import org.unettf.error.ExitCode;
import org.unettf.error.Messages;
import org.unettf.error.UserError;
import org.unettf.model.Sessions;
import org.unettf.train.Provenance;
import org.unettf.train.RunInfo;
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
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    // Paths the locale cannot encode get one line naming the option, not picocli's Java-internal text.
    cli.registerConverter(Path.class, text -> {
      try {
        return PathValue.parse(null, text);
      } catch (UserError e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    });
    cli.setParameterExceptionHandler((ex, arguments) -> {
      err.println("error: " + ex.getMessage() + " (see " + ex.getCommandLine().getCommandName() + " --help)");
      return ExitCode.CONFIG.code;
    });
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> report(ex, main.debug, err));
    try {
      return cli.execute(args);
    } catch (OutOfMemoryError | StackOverflowError e) {
      // picocli hands only Exceptions to the handler above; an Error escapes execute().
      return report(e, main.debug, err);
    }
  }

  /** One line on stderr for whatever ended the command, and its exit code. */
  private static int report(Throwable ex, boolean debug, PrintStream err) {
    if (debug) {
      ex.printStackTrace(err);
    }
    if (ex instanceof UserError u) {
      err.println("error: " + u.getMessage());
      return u.exitCode().code;
    }
    if (Messages.diskFull(ex)) {
      err.println("error: " + Messages.reason(ex) + "; free space and run again: every output written before is "
          + "intact");
      return ExitCode.OUTPUT.code;
    }
    if (ex instanceof OutOfMemoryError) {
      err.println("error: out of Java heap memory (" + Runtime.getRuntime().maxMemory() / (1 << 20)
          + " MB); give Java more (java -Xmx8g -jar ...), or use a smaller --max-tile or --batch (predict, "
          + "evaluate) or tile.size or train.batch (train); nothing half-written was left");
      return ExitCode.MEMORY.code;
    }
    if (ex instanceof TFResourceExhaustedException) {
      err.println("error: TensorFlow ran out of memory for a tensor (" + Messages.firstLine(ex.getMessage()) + "); use a smaller "
          + "--max-tile or --batch (predict, evaluate) or tile.size or train.batch (train); nothing half-written was "
          + "left");
      return ExitCode.MEMORY.code;
    }
    err.println("error: internal error: " + ex + " (rerun with --debug for details, and report it)");
    return ExitCode.INTERNAL.code;
  }

  @Override
  public void run() {
    new CommandLine(this).usage(out);
  }

  /** The version from the jar's manifest, with TensorFlow's. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"unet-tf " + Provenance.version() + " (commit " + Provenance.commit() + ")",
          "TensorFlow " + Sessions.TensorFlowVersion.VERSION, "Java " + System.getProperty("java.runtime.version")};
    }
  }
}
