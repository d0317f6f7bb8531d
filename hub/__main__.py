from hub.cli import main

# The guard matters: `hub serve --workers N` starts its workers as new interpreters that import
# this module again (multiprocessing's spawn), and they must not run the command line.
if __name__ == "__main__":
    main()
